"""The auth file in force, reloaded when it changes on disk.

The file's identity (inode, size, modification time) is looked at no more than once every
``CHECK_SECONDS``; when it changed, the file is parsed again and a new ``Authenticator`` (with
an empty credential cache) and ``Authorizer`` replace the old ones. A file that no longer
parses is reported in the log and the previous version stays in force.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from evcat.auth.config import AuthConfig
from evcat.auth.credentials import Authenticator
from evcat.auth.parsing import AuthConfigError, load_config
from evcat.auth.policy import Authorizer, OwnerIndex, SchemaSubjects

log = logging.getLogger(__name__)

CHECK_SECONDS = 1.0
Stamp = tuple[int, int, int]


@dataclass(frozen=True)
class Active:
    """One version of the auth file, ready to verify and authorize requests."""

    config: AuthConfig
    authenticator: Authenticator
    authorizer: Authorizer


class AuthState:
    """Keeps the ``Active`` version of the auth file at ``path`` current."""

    def __init__(
        self,
        path: Path,
        owners: OwnerIndex | None = None,
        schema_subjects: SchemaSubjects | None = None,
    ) -> None:
        self.path = path
        self.owners = owners
        self.schema_subjects = schema_subjects
        self._stamp = self._stat()
        self.active = self._build(load_config(path))
        self._checked = time.monotonic()

    def current(self) -> Active:
        """The version in force, after reloading the file if it changed."""
        now = time.monotonic()
        if now - self._checked >= CHECK_SECONDS:
            self._checked = now
            stamp = self._stat()
            if stamp != self._stamp:
                self._stamp = stamp
                self._reload()
        return self.active

    def _reload(self) -> None:
        try:
            config = load_config(self.path)
        except AuthConfigError as error:
            log.error("auth file %s not reloaded, the previous version stays: %s", self.path, error)
            return
        self.active = self._build(config)
        log.warning("auth file %s reloaded; cached credentials dropped", self.path)

    def _build(self, config: AuthConfig) -> Active:
        return Active(
            config,
            Authenticator(config),
            Authorizer(config, self.owners, self.schema_subjects),
        )

    def _stat(self) -> Stamp:
        try:
            found = os.stat(self.path)
        except OSError:
            return (0, 0, 0)
        return (found.st_ino, found.st_size, found.st_mtime_ns)
