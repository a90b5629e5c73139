"""Confluent's ``_schemas`` topic, dumped to a file, replayed into a ``Snapshot``.

Two dump formats are read, told apart line by line:

* ``kcat -C -t _schemas -e -J``: one JSON object per line whose ``key`` and ``payload`` are
  JSON text in strings (``payload`` null for a tombstone);
* ``kafka-console-consumer --property print.key=true``: the key, a tab, the value (``null``
  for a tombstone).

Records are applied in order, as Confluent's own reader applies them, so the last record per
key wins and a tombstone removes. ``DELETE_SUBJECT`` soft-deletes the subject's versions up
to the one it names; ``CLEAR_SUBJECT`` (written when a subject, or with no subject the whole
registry, switches to IMPORT mode) drops every version it covers. Records of other contexts
than the default one are left out: evcat has a single id space.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from evcat.transfer.snapshot import GLOBAL, SchemaEntry, Snapshot, VersionEntry, VersionKey
from evcat.transfer.values import BadValue, config_value, mode_value, positive, schema_entry

DEFAULT_CONTEXT = ":.:"
GLOBAL_NAMES = frozenset({"", "__GLOBAL", DEFAULT_CONTEXT, ":.__GLOBAL:"})
HANDLED = frozenset({"SCHEMA", "CONFIG", "MODE", "DELETE_SUBJECT", "CLEAR_SUBJECT", "NOOP"})


class BadRecord(BadValue):
    """A line that is not a ``_schemas`` record evcat can read; the message says why."""


@dataclass(frozen=True, slots=True)
class BadLine:
    number: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.number}: {self.reason}"


@dataclass
class TopicDump:
    """The replayed registry, and what the replay met on the way."""

    snapshot: Snapshot
    records: int = 0
    bad_lines: list[BadLine] = field(default_factory=list)
    left_out: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)


def _json(text: str | bytes, what: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise BadRecord(f"the {what} is not JSON ({error.args[0]})") from None


def split_line(line: bytes) -> tuple[Any, Any]:
    """A dump line as (key, value) JSON values; the value is None for a tombstone."""
    if b"\t" in line:
        key_text, _, value_text = line.partition(b"\t")
        value_text = value_text.strip()
        key = _json(key_text, "key")
        return key, None if value_text == b"null" else _json(value_text, "value")
    record = _json(line, "line")
    if not isinstance(record, dict) or "key" not in record:
        raise BadRecord(
            "neither a kcat -J record (a JSON object with 'key' and 'payload') nor "
            "'key<TAB>value' as kafka-console-consumer prints with print.key=true"
        )
    encoded_key, payload = record.get("key"), record.get("payload")
    if not isinstance(encoded_key, str):
        raise BadRecord("the record has no key")
    if payload is not None and not isinstance(payload, str):
        raise BadRecord("'payload' must be the record value as a JSON string, or null")
    key = _json(encoded_key, "key")
    return key, None if payload is None else _json(payload, "payload")


def _subject(value: Any, where: str, *, allow_global: bool) -> str | None:
    """A subject in the default context; None for one of another context."""
    if value is None and allow_global:
        return GLOBAL
    if not isinstance(value, str):
        raise BadRecord(f"the {where} subject must be a string, not {value!r:.60}")
    if allow_global and value in GLOBAL_NAMES:
        return GLOBAL
    if value.startswith(DEFAULT_CONTEXT):
        return value[len(DEFAULT_CONTEXT) :]
    if value.startswith(":."):
        return None
    if not value:
        raise BadRecord(f"the {where} subject is empty")
    return value


class _Replay:
    """The registry state as Confluent's reader builds it, one record at a time."""

    def __init__(self, dump: TopicDump) -> None:
        self.dump = dump
        self.versions: dict[VersionKey, tuple[SchemaEntry, bool]] = {}
        self.holders: dict[int, set[VersionKey]] = {}
        self.by_subject: dict[str, set[int]] = {}
        self.configs: dict[str, dict[str, Any]] = {}
        self.modes: dict[str, str] = {}

    def apply(self, number: int, key: Any, value: Any) -> None:
        if not isinstance(key, dict) or not isinstance(key.get("keytype"), str):
            raise BadRecord("the key must be a JSON object with a 'keytype'")
        keytype = key["keytype"]
        if keytype not in HANDLED:
            self.dump.left_out[keytype] += 1
            return
        if keytype == "NOOP":
            return
        subject = _subject(
            key.get("subject"), "key", allow_global=keytype in ("CONFIG", "MODE", "CLEAR_SUBJECT")
        )
        if subject is None:
            self.dump.left_out[f"{keytype} of another context"] += 1
            return
        if keytype == "SCHEMA":
            self._schema(number, subject, positive(key.get("version"), "version"), value)
        elif keytype == "CONFIG":
            self._setting(self.configs, subject, None if value is None else config_value(value))
        elif keytype == "MODE":
            self._setting(self.modes, subject, None if value is None else mode_value(value))
        elif value is not None and keytype == "DELETE_SUBJECT":
            if not isinstance(value, dict):
                raise BadRecord("a DELETE_SUBJECT value must be a JSON object")
            self._delete_subject(subject, positive(value.get("version"), "version"))
        elif value is not None and keytype == "CLEAR_SUBJECT":
            self._clear(subject)

    @staticmethod
    def _setting(store: dict[str, Any], subject: str, value: Any) -> None:
        if value:
            store[subject] = value
        else:
            store.pop(subject, None)

    def _schema(self, number: int, subject: str, version: int, value: Any) -> None:
        key = (subject, version)
        if value is None:
            self._drop(key)
            return
        if isinstance(value, dict):
            named = value.get("subject", subject)
            if _subject(named, "value", allow_global=False) != subject:
                raise BadRecord(f"the value's subject {named!r:.80} differs from the key's")
            if value.get("version", version) != version:
                raise BadRecord(f"the value's version {value['version']!r} differs from the key's")
        entry, deleted = schema_entry(value)
        holders = self.holders.get(entry.id, set()) - {key}
        if holders:
            held = self.versions[next(iter(holders))][0]
            if held != entry:
                # Confluent's reader refuses a different schema under a taken id, and so do we.
                self.dump.notes.append(
                    f"line {number}: id {entry.id} already holds a different schema; "
                    f"'{subject}' version {version} is left out, as Confluent's reader does"
                )
                return
        self._drop(key)
        self.versions[key] = (entry, deleted)
        self.holders.setdefault(entry.id, set()).add(key)
        self.by_subject.setdefault(subject, set()).add(version)

    def _drop(self, key: VersionKey) -> None:
        old = self.versions.pop(key, None)
        if old is not None:
            holders = self.holders[old[0].id]
            holders.discard(key)
            if not holders:
                del self.holders[old[0].id]
            self.by_subject[key[0]].discard(key[1])

    def _delete_subject(self, subject: str, up_to: int) -> None:
        for version in self.by_subject.get(subject, ()):
            if version <= up_to:
                entry, _ = self.versions[(subject, version)]
                self.versions[(subject, version)] = (entry, True)

    def _clear(self, subject: str) -> None:
        subjects = list(self.by_subject) if subject == GLOBAL else [subject]
        for name in subjects:
            for version in list(self.by_subject.get(name, ())):
                self._drop((name, version))

    def snapshot(self) -> Snapshot:
        snapshot = Snapshot(configs=dict(self.configs), modes=dict(self.modes))
        for key in sorted(self.versions):
            entry, deleted = self.versions[key]
            snapshot.schemas[entry.id] = entry
            snapshot.versions[key] = VersionEntry(key[0], key[1], entry.id, deleted)
        return snapshot


def read_schemas_topic(lines: Iterable[bytes]) -> TopicDump:
    """Replay a dump's lines; malformed lines are collected with their numbers, not applied."""
    dump = TopicDump(Snapshot())
    replay = _Replay(dump)
    for number, raw in enumerate(lines, start=1):
        line = raw.strip().removeprefix(b"\xef\xbb\xbf")
        if not line:
            continue
        dump.records += 1
        try:
            key, value = split_line(line)
            replay.apply(number, key, value)
        except BadValue as error:
            dump.bad_lines.append(BadLine(number, str(error)))
    dump.snapshot = replay.snapshot()
    return dump
