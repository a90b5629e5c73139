"""One Settings object: every knob, read from ``EVCAT_*`` environment variables or CLI flags."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DB_PATH = Path("var") / "evcat.db"


class Settings(BaseSettings):
    """Runtime configuration. Environment variables are the field names prefixed ``EVCAT_``."""

    model_config = SettingsConfigDict(env_prefix="EVCAT_", extra="ignore")

    db_url: str = Field(
        default=f"sqlite:///{DEFAULT_DB_PATH}",
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user@host/db",
    )
    host: str = "127.0.0.1"
    port: int = 8081
    workers: int = 1
    default_compatibility: str = Field(
        default="BACKWARD", description="Level used when neither subject nor global config sets one"
    )
    max_request_bytes: int = Field(
        default=2 * 1024 * 1024, description="Request bodies above this size are refused"
    )
    allowed_hosts: str = Field(
        default="*",
        description="Comma-separated host names the server answers to (*.example.com for "
        "sub-domains); other Host headers get 400. * answers every host",
    )
    allowed_origins: str = Field(
        default="",
        description="Comma-separated browser origins (https://console.example.com) whose "
        "pages may send state-changing requests, besides the server's own; * for any",
    )
    max_schema_bytes: int = Field(
        default=1024 * 1024, description="Schemas above this size are refused with 42209"
    )
    max_versions_per_subject: int = Field(
        default=10_000, description="A subject refuses new versions beyond this count"
    )
    schema_cache_size: int = Field(
        default=10_000, description="Parsed schemas kept in memory per process"
    )
    cluster_id: str = Field(default="evcat", description="Reported by /v1/metadata/id")
    upcaster_modules: str = Field(
        default="",
        description="Comma-separated modules holding @upcaster code, imported by the server",
    )
    upcaster_code_drift: Literal["warn", "fail"] = Field(
        default="warn", description="warn, or fail, when pinned upcaster code changed"
    )
    upcaster_samples: int = Field(
        default=200, ge=1, description="Generated samples per upcaster edge validation"
    )
    upcaster_max_batch: int = Field(
        default=10_000, ge=1, description="Events per POST /v1/upcast request"
    )
    auth_config: Path | None = Field(
        default=None,
        description="The auth file (users, tokens, OIDC, bindings, rate limits); none: no sign-in",
    )
    insecure_no_auth: bool = Field(
        default=False,
        description="Allow a non-loopback host without an auth file (warned at every start)",
    )
    body_read_timeout: float = Field(
        default=30.0, gt=0, description="Seconds a client has to send a whole request body"
    )
    header_read_timeout: float = Field(
        default=10.0, gt=0, description="Seconds a client has to send a request's head"
    )
    timeout_keep_alive: int = Field(
        default=5, ge=1, description="Seconds an idle keep-alive connection stays open"
    )
    limit_concurrency: int = Field(
        default=1000, ge=1, description="Connections and tasks per process; 503 beyond"
    )
    max_header_bytes: int = Field(
        default=64 * 1024, ge=1024, description="Size of a request line plus headers"
    )
    yaml_max_bytes: int = Field(
        default=4 * 1024 * 1024, ge=1, description="YAML documents above this size are refused"
    )
    yaml_max_alias_values: int = Field(
        default=10_000, ge=0, description="Values YAML aliases may add to a document"
    )
    yaml_max_depth: int = Field(default=64, ge=1, description="Nesting depth of YAML documents")
    expr_max_string: int = Field(
        default=1024 * 1024, ge=1, description="Characters of a string an expression builds"
    )
    expr_max_list: int = Field(
        default=10_000, ge=1, description="Items of a list an expression builds"
    )
    expr_max_digits: int = Field(
        default=400, ge=1, description="Digits and exponent of a number an expression builds"
    )
    event_max_bytes: int = Field(
        default=16 * 1024 * 1024, ge=1, description="JSON size of one upcast event's output"
    )
    upcast_max_steps: int = Field(
        default=1_000_000, ge=1, description="Expression nodes and for_each steps per event"
    )
    schema_max_depth: int = Field(
        default=64, ge=1, description="Nesting of records, arrays, maps, unions, messages"
    )
    protobuf_max_fields: int = Field(
        default=2_000, ge=1, description="Fields of one Protobuf message, values of one enum"
    )
    protobuf_max_messages: int = Field(
        default=1_000, ge=1, description="Messages and enums of one Protobuf schema"
    )
    regex_max_length: int = Field(
        default=1_000, ge=1, description="Characters of a JSON Schema pattern"
    )

    @property
    def is_embedded(self) -> bool:
        """True when the database is an SQLite file this process may create and migrate."""
        return self.db_url.startswith("sqlite")

    @property
    def allowed_host_list(self) -> list[str]:
        """``allowed_hosts`` split into patterns."""
        return _split(self.allowed_hosts)

    @property
    def allowed_origin_list(self) -> list[str]:
        """``allowed_origins`` split into origins."""
        return _split(self.allowed_origins)

    @property
    def upcaster_module_list(self) -> list[str]:
        """``upcaster_modules`` split into module names."""
        return _split(self.upcaster_modules)


def _split(text: str) -> list[str]:
    """A comma-separated setting as its non-empty items."""
    return [item.strip() for item in text.split(",") if item.strip()]


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def no_auth_warning(host: str) -> str:
    """What ``--insecure-no-auth`` prints and logs at every start."""
    return (
        f"serving {host} WITHOUT sign-in (--insecure-no-auth): anyone who reaches it may "
        "register, delete and rewrite the catalog; pass --auth-config FILE to protect it"
    )
