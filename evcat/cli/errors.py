"""Exit codes and the one way the CLI reports a user's mistake: a single line on stderr."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import IntEnum

import typer


class Exit(IntEnum):
    """What a script or a CI job can branch on (the same table as ``diff(1)``)."""

    OK = 0  # every schema compatible, or the command did what it was asked
    INCOMPATIBLE = 1  # the gate failed: at least one incompatible change
    INVALID = 2  # bad input or configuration: files, schemas, manifest, registry, credentials


class UserError(Exception):
    """Something the user can fix; the message says what. Never shown with a traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def say_error(message: str) -> None:
    """One diagnostic line on stderr, prefixed so it stands out in CI logs."""
    line = " ".join(message.split())
    print(f"evcat: error: {line}", file=sys.stderr, flush=True)


def say_warning(message: str) -> None:
    """One warning line on stderr."""
    line = " ".join(message.split())
    print(f"evcat: warning: {line}", file=sys.stderr, flush=True)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a ``UserError``, a schema the formats refuse or a file that cannot be read into
    one line and exit code 2."""
    from evcat.errors import EvcatError

    try:
        yield
    except UserError as error:
        say_error(error.message)
        raise typer.Exit(Exit.INVALID) from None
    except EvcatError as error:
        say_error(error.message)
        raise typer.Exit(Exit.INVALID) from None
    except OSError as error:  # a file the user named is missing, a directory, unreadable...
        reason = (error.strerror or str(error)).lower()
        say_error(f"{error.filename}: {reason}" if error.filename else reason)
        raise typer.Exit(Exit.INVALID) from None
