"""Registries over HTTP for ``evcat import``: read one into a snapshot, write a plan into evcat.

Reading uses only routes every Confluent-compatible registry serves (Confluent, Karapace,
Redpanda, Apicurio's ccompat API, evcat): subjects and versions with ``deleted=true``, each
version's schema, and each subject's own config and mode. Writing sets the imported subjects
to IMPORT mode (Confluent's rule for registering with given ids), registers every missing
version with its id and number, soft-deletes what the source has deleted, then puts the
subjects' modes back and copies config and modes.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from typing import Any

from evcat.cli.client import RegistryClient, RegistryError, quoted
from evcat.cli.errors import UserError
from evcat.registry.policy import IMPORT
from evcat.transfer.errors import ConflictError, TransferError
from evcat.transfer.fingerprints import Fingerprinter
from evcat.transfer.plan import Plan, TargetState
from evcat.transfer.snapshot import GLOBAL, SchemaEntry, Snapshot, VersionEntry
from evcat.transfer.values import BadValue, config_value, mode_value, schema_entry

Advance = Callable[[int], None]
READERS = 8


def _no_progress(_: int) -> None:
    return None


def _own(client: RegistryClient, path: str) -> Any:
    """A subject's own config or mode; None where it has none (404, whatever the code)."""
    try:
        return client.request("GET", path, params={"defaultToGlobal": "false"})
    except RegistryError as error:
        if error.status == 404:
            return None
        raise


def _versions(client: RegistryClient, subject: str, *, deleted: bool) -> list[int]:
    try:
        numbers = client.versions(subject, deleted=deleted)
    except RegistryError as error:
        if error.status == 404:  # every version soft-deleted: no live ones
            return []
        raise
    return [int(n) for n in numbers]


class _Reader:
    """Reads one registry; safe to call from several threads (httpx clients are)."""

    def __init__(self, client: RegistryClient) -> None:
        self.client = client

    def value(self, read: Callable[[Any], Any], value: Any, where: str) -> Any:
        try:
            return read(value)
        except BadValue as error:
            raise TransferError(f"{self.client.url} answered {where} with {error}") from None

    def subject(self, subject: str) -> tuple[list[tuple[int, SchemaEntry, bool]], Any, Any]:
        every = _versions(self.client, subject, deleted=True)
        live = set(_versions(self.client, subject, deleted=False))
        versions = []
        for number in every:
            body = self.client.request(
                "GET",
                f"/subjects/{quoted(subject)}/versions/{number}",
                params={"deleted": "true"},
            )
            where = f"version {number} of '{subject}'"
            entry, _ = self.value(schema_entry, body, where)
            versions.append((number, entry, number not in live))
        config, mode = self.settings(subject)
        return versions, config, mode

    def settings(self, subject: str) -> tuple[dict[str, Any] | None, str | None]:
        """A subject's own config and mode (None where it has none)."""
        config = _own(self.client, f"/config/{quoted(subject)}")
        mode = _own(self.client, f"/mode/{quoted(subject)}")
        return (
            None if config is None else self.value(config_value, config, f"config of {subject}"),
            None if mode is None else self.value(mode_value, mode, f"mode of {subject}"),
        )

    def global_settings(self) -> tuple[dict[str, Any], str]:
        config = self.client.request("GET", "/config")
        mode = self.client.request("GET", "/mode")
        return (
            self.value(config_value, config, "the global config"),
            self.value(mode_value, mode, "the global mode"),
        )


def read_registry(
    client: RegistryClient, advance: Advance = _no_progress
) -> tuple[Snapshot, list[str]]:
    """Everything the registry at ``client`` holds, soft-deleted versions included, and the
    subjects left out because they belong to another context than the default one."""
    reader = _Reader(client)
    listed = sorted(str(s) for s in client.subjects(deleted=True))
    # Confluent lists every context's subjects, qualified (":.staging:orders"); each context
    # has ids of its own, and evcat one id space: only the default context comes along.
    other_contexts = [s for s in listed if s.startswith(":.") and not s.startswith(":.:")]
    subjects = [s for s in listed if s not in other_contexts]
    snapshot = Snapshot()
    with ThreadPoolExecutor(READERS) as pool:
        for subject, (versions, config, mode) in zip(
            subjects, pool.map(reader.subject, subjects), strict=True
        ):
            for number, entry, deleted in versions:
                held = snapshot.schemas.setdefault(entry.id, entry)
                if held != entry:
                    raise TransferError(
                        f"{client.url} serves two different schemas under id {entry.id}"
                    )
                snapshot.versions[(subject, number)] = VersionEntry(
                    subject, number, entry.id, deleted
                )
            if config:
                snapshot.configs[subject] = config
            if mode:
                snapshot.modes[subject] = mode
            advance(1)
    snapshot.configs[GLOBAL], snapshot.modes[GLOBAL] = reader.global_settings()
    return snapshot, other_contexts


def target_state(client: RegistryClient, source: Snapshot) -> TargetState:
    """What a running evcat holds, as far as importing ``source`` into it compares.

    Versions come from one ``GET /schemas?deleted=true`` (evcat marks the deleted ones);
    config and mode only for the subjects the source has, and the global ones.
    """
    held = Snapshot()
    reader = _Reader(client)
    for body in client.request("GET", "/schemas", params={"deleted": "true"}):
        entry, deleted = reader.value(schema_entry, body, "GET /schemas")
        held.schemas[entry.id] = entry
        key = (str(body["subject"]), int(body["version"]))
        held.versions[key] = VersionEntry(key[0], key[1], entry.id, deleted)
    state = TargetState(fingerprints=Fingerprinter(held).all(), versions=held.versions)
    for subject in sorted(source.subjects | set(source.configs) | set(source.modes)):
        if subject == GLOBAL:
            continue
        config, mode = reader.settings(subject)
        if config is not None:
            state.configs[subject] = config
        if mode is not None:
            state.modes[subject] = mode
    state.configs[GLOBAL], state.modes[GLOBAL] = reader.global_settings()
    return state


def _registration(entry: SchemaEntry, version: VersionEntry) -> dict[str, Any]:
    body: dict[str, Any] = {
        "schema": entry.text,
        "schemaType": entry.schema_type,
        "id": version.schema_id,
        "version": version.version,
    }
    if entry.references:
        body["references"] = [
            {"name": r.name, "subject": r.subject, "version": r.version} for r in entry.references
        ]
    if entry.metadata:
        body["metadata"] = entry.metadata
    if entry.ruleset:
        body["ruleSet"] = entry.ruleset
    return body


def _put_mode(client: RegistryClient, subject: str, mode: str | None) -> None:
    path = "/mode" if subject == GLOBAL else f"/mode/{quoted(subject)}"
    if mode is None:
        client.request("DELETE", path)
    else:
        client.request("PUT", path, params={"force": "true"}, body={"mode": mode})


def _config_request(config: dict[str, Any]) -> dict[str, Any]:
    """A stored config as a PUT body (``compatibility``, the key every registry reads)."""
    body = {k: v for k, v in config.items() if k != "compatibilityLevel"}
    if "compatibilityLevel" in config:
        body["compatibility"] = config["compatibilityLevel"]
    return body


class _Modes:
    """IMPORT mode on the subjects being written, and their modes set right afterwards."""

    def __init__(self, client: RegistryClient, target: TargetState, source: Snapshot) -> None:
        self.client = client
        self.target = target
        self.source = source
        self.before: dict[str, str | None] = {}

    def enter(self, subjects: list[str]) -> None:
        for subject in subjects:
            mode = self.target.modes.get(subject)
            # IMPORT on a subject the source does not hold in IMPORT was left by an interrupted
            # import: the subject had no mode of its own before that.
            self.before[subject] = (
                None if mode == IMPORT and self.source.modes.get(subject) != IMPORT else mode
            )
            if mode != IMPORT:
                _put_mode(self.client, subject, IMPORT)

    def leave(self, *, done: bool) -> None:
        """Each subject's mode as before; when ``done``, the source's where it has one."""
        for subject, mode in self.before.items():
            wanted = self.source.modes.get(subject, mode) if done else mode
            if wanted != IMPORT:
                _put_mode(self.client, subject, wanted)


def push_plan(
    client: RegistryClient,
    source: Snapshot,
    plan: Plan,
    target: TargetState,
    advance: Advance = _no_progress,
) -> None:
    """Write ``plan`` into the running evcat at ``client``, resumably.

    Every step is idempotent against what it finds (planning skipped what is there), so an
    interrupted run is finished by running it again.
    """
    if plan.undeletions:
        first = plan.undeletions[0]
        raise ConflictError(
            [
                f"subject '{first.subject}' version {first.version} is soft-deleted in the "
                "target but live in the source, and no registry API undeletes a version: "
                "import straight into the database with --db"
            ]
        )
    soft_deletes = [v for v in plan.versions if v.deleted]
    soft_deletes.reverse()
    soft_deletes += plan.deletions
    touched = sorted({v.subject for v in plan.versions} | {v.subject for v in soft_deletes})
    modes = _Modes(client, target, source)
    try:
        modes.enter(touched)
        for version in plan.versions:
            body = _registration(source.schemas[version.schema_id], version)
            answer = client.request(
                "POST", f"/subjects/{quoted(version.subject)}/versions", body=body
            )
            if answer.get("id") != version.schema_id or answer.get("version") != version.version:
                raise ConflictError(
                    [
                        f"the target stored subject '{version.subject}' version "
                        f"{version.version} as version {answer.get('version')} with id "
                        f"{answer.get('id')}, not id {version.schema_id}"
                    ]
                )
            advance(1)
        for version in soft_deletes:
            client.request(
                "DELETE", f"/subjects/{quoted(version.subject)}/versions/{version.version}"
            )
        # Config before modes: a subject the source holds READONLY refuses config changes.
        for subject, config in sorted(plan.configs.items()):
            path = "/config" if subject == GLOBAL else f"/config/{quoted(subject)}"
            client.request("PUT", path, body=_config_request(config))
    except (UserError, ConflictError):
        # The first failure is the one to report; a rerun restores the modes if this fails.
        with suppress(UserError):
            modes.leave(done=False)
        raise
    modes.leave(done=True)
    # The global mode last: a READONLY source would otherwise stop the writes above.
    for subject, mode in sorted(plan.modes.items(), key=lambda item: item[0] == GLOBAL):
        _put_mode(client, subject, mode)
