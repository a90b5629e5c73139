"""What can go wrong moving a registry: bad input (the user fixes the source) or a conflict."""

from __future__ import annotations

from collections.abc import Sequence


class TransferError(Exception):
    """Input that cannot be imported as given; the message says what to fix. Exit code 2."""

    def __init__(self, message: str, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details)


class ConflictError(Exception):
    """The target already holds something different under the same id or version. Exit code 1.

    Nothing was written: conflicts are found while planning, before the first write.
    """

    def __init__(self, conflicts: Sequence[str]) -> None:
        super().__init__(conflicts[0] if conflicts else "conflict")
        self.conflicts = list(conflicts)
