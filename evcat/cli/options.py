"""Options shared by every command, declared once so they read the same everywhere."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer


class Output(StrEnum):
    """How data commands print their answer."""

    TEXT = "text"
    JSON = "json"


class ReportFormat(StrEnum):
    """How ``evcat check`` prints its report."""

    TEXT = "text"
    JSON = "json"
    GITHUB = "github"
    SARIF = "sarif"
    MARKDOWN = "markdown"


_CONNECTION = "Registry connection"

RegistryOpt = Annotated[
    str | None,
    typer.Option(
        "--registry",
        envvar="EVCAT_URL",
        help="Registry URL, e.g. http://localhost:8081.",
        rich_help_panel=_CONNECTION,
        show_envvar=True,
    ),
]
UserOpt = Annotated[
    str | None,
    typer.Option(
        "--user",
        envvar="EVCAT_USER",
        help="User for HTTP basic auth.",
        rich_help_panel=_CONNECTION,
    ),
]
PasswordOpt = Annotated[
    str | None,
    typer.Option(
        "--password",
        envvar="EVCAT_PASSWORD",
        help="Password for HTTP basic auth.",
        rich_help_panel=_CONNECTION,
    ),
]
TokenOpt = Annotated[
    str | None,
    typer.Option(
        "--token",
        envvar="EVCAT_TOKEN",
        help="Bearer token (instead of --user/--password).",
        rich_help_panel=_CONNECTION,
    ),
]
OutputOpt = Annotated[
    Output,
    typer.Option("--output", "-o", help="Print text for people or JSON for programs."),
]


class Level(StrEnum):
    """The seven compatibility levels."""

    NONE = "NONE"
    BACKWARD = "BACKWARD"
    BACKWARD_TRANSITIVE = "BACKWARD_TRANSITIVE"
    FORWARD = "FORWARD"
    FORWARD_TRANSITIVE = "FORWARD_TRANSITIVE"
    FULL = "FULL"
    FULL_TRANSITIVE = "FULL_TRANSITIVE"


class SchemaType(StrEnum):
    AVRO = "AVRO"
    PROTOBUF = "PROTOBUF"
    JSON = "JSON"


TypeOpt = Annotated[
    SchemaType | None,
    typer.Option(
        "--type",
        "-t",
        case_sensitive=False,
        help="Schema type; by default from the extension (.avsc, .proto, .json).",
    ),
]
