"""The permission table: every route, the operation it performs and the resource it acts on.

The table is the one place that says what each route needs; docs/security.md prints it and a
test checks that every route the app serves has a row. A request is matched the way the app
routes it: Confluent routes on the raw path split at ``/`` and decoded segment by segment (a
subject may hold ``%2F``), evcat's own routes on the decoded path. A path no row matches needs
``Read`` for a GET and ``Administer`` for anything else, so a route added without a row is
never open to writers by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, unquote

from evcat.auth.roles import Operation

ResourceKind = Literal["Subject", "Schema", "Global"]

R, W, D = Operation.READ, Operation.WRITE, Operation.DELETE
CONFIG, MODE = Operation.ALTER_CONFIG, Operation.ALTER_MODE
CATALOG, CLASSIFY = Operation.EDIT_CATALOG, Operation.CLASSIFY
PERSONAL, AUDIT = Operation.READ_PERSONAL_DATA, Operation.READ_AUDIT


@dataclass(frozen=True, slots=True)
class Resource:
    """What an operation acts on: one subject, one schema id, or the registry as a whole."""

    kind: ResourceKind
    name: str = ""

    def describe(self) -> str:
        return f"{self.kind}: {self.name}" if self.name else "Global"


GLOBAL = Resource("Global")


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the table: a route template and method, what it does, and to what."""

    method: str
    template: str
    operation: Operation
    # The path parameter naming the subject (or schema id) acted on; None: a global resource.
    param: str | None = None
    kind: ResourceKind = "Subject"
    # A query flag that turns the operation into another (``permanent=true`` deletes).
    escalation: tuple[str, Operation] | None = None

    def resource(self, params: dict[str, str]) -> Resource:
        if self.param is None:
            return GLOBAL
        return Resource(self.kind, params[self.param])


@dataclass(frozen=True, slots=True)
class Permission:
    """What a request needs: an operation on a resource (``template``: the row that said so,
    empty when no row matched)."""

    operation: Operation
    resource: Resource
    template: str
    open: bool = False


def _confluent() -> list[Rule]:
    s = "subject"
    delete = ("permanent", Operation.DELETE_PERMANENTLY)
    return [
        Rule("GET", "/", R),
        Rule("POST", "/", R),
        Rule("GET", "/schemas/types", R),
        Rule("GET", "/schemas", R),
        Rule("GET", "/schemas/ids/{id}", R, "id", "Schema"),
        Rule("GET", "/schemas/ids/{id}/schema", R, "id", "Schema"),
        Rule("GET", "/schemas/ids/{id}/subjects", R, "id", "Schema"),
        Rule("GET", "/schemas/ids/{id}/versions", R, "id", "Schema"),
        Rule("GET", "/schemas/guids/{guid}", R),
        Rule("GET", "/schemas/guids/{guid}/ids", R),
        Rule("GET", "/subjects", R),
        # A lookup changes nothing: Confluent's authorizer files it under Read, and producers
        # that never auto-register need it with read-only credentials.
        Rule("POST", "/subjects/{subject}", R, s),
        Rule("DELETE", "/subjects/{subject}", D, s, escalation=delete),
        Rule("GET", "/subjects/{subject}/metadata", R, s),
        Rule("GET", "/subjects/{subject}/versions", R, s),
        Rule("POST", "/subjects/{subject}/versions", W, s),
        Rule("GET", "/subjects/{subject}/versions/{version}", R, s),
        Rule("DELETE", "/subjects/{subject}/versions/{version}", D, s, escalation=delete),
        Rule("GET", "/subjects/{subject}/versions/{version}/schema", R, s),
        Rule("GET", "/subjects/{subject}/versions/{version}/referencedby", R, s),
        Rule("POST", "/compatibility/subjects/{subject}/versions", W, s),
        Rule("POST", "/compatibility/subjects/{subject}/versions/{version}", W, s),
        Rule("GET", "/config", R),
        Rule("PUT", "/config", CONFIG),
        Rule("DELETE", "/config", CONFIG),
        Rule("GET", "/config/{subject}", R, s),
        Rule("PUT", "/config/{subject}", CONFIG, s),
        Rule("DELETE", "/config/{subject}", CONFIG, s),
        Rule("GET", "/mode", R),
        Rule("PUT", "/mode", MODE),
        Rule("DELETE", "/mode", MODE),
        Rule("GET", "/mode/{subject}", R, s),
        Rule("PUT", "/mode/{subject}", MODE, s),
        Rule("DELETE", "/mode/{subject}", MODE, s),
        Rule("GET", "/contexts", R),
        Rule("GET", "/v1/metadata/id", R),
        Rule("GET", "/v1/metadata/version", R),
        Rule("GET", "/associations/resources/{namespace}/{name}", R),
    ]


def _v1() -> list[Rule]:
    e = "event"
    reads = [
        "/v1/events",
        "/v1/events/{name}",
        "/v1/events/{name}/versions",
        "/v1/events/{name}/versions/{version}",
        "/v1/events/{name}/versions/{version}/fields",
        "/v1/events/{name}/versions/{version}/schema",
        "/v1/events/{name}/cloudevents",
        "/v1/events/{name}/diff",
        "/v1/catalog/schema",
        "/v1/catalog/export",
        *(f"/v1/{kind}" for kind in _CATALOG_KINDS),
        *(f"/v1/{kind}/{{ident}}" for kind in _CATALOG_KINDS),
        "/v1/edges",
        "/v1/lineage",
        "/v1/gdpr/events/{name}/versions/{version}/fields",
        "/v1/gdpr/vocabulary",
        "/v1/gdpr/schemas/{report}",
        "/v1/gdpr/retention-policies",
        "/v1/upcasters",
        "/v1/events/{event}/versions/{version}/upcasters",
        "/v1/events/{event}/versions/{version}/upcasters/{from_version}",
        "/v1/events/{event}/plan",
        "/v1/events/{event}/ancestors",
        "/v1/upcast/problems",
        "/v1/events/{event}/upcast-policy",
        "/v1/errors",
        "/v1/errors/{code}",
    ]
    return [
        *(Rule("GET", path, R) for path in reads),
        Rule("POST", "/v1/events/{name}/cloudevents/validate", R),
        Rule("POST", "/v1/upcast", R),
        Rule("POST", "/v1/subjects/{subject:path}/compatibility", W, "subject"),
        Rule("POST", "/v1/catalog/apply", CATALOG),
        Rule("PUT", "/v1/gdpr/classifications", CLASSIFY),
        Rule("DELETE", "/v1/gdpr/classifications", CLASSIFY),
        Rule("PUT", "/v1/gdpr/tags/{tag}", CLASSIFY),
        Rule("PUT", "/v1/gdpr/retention-policies/{ident}", CLASSIFY),
        Rule("GET", "/v1/gdpr/audit", PERSONAL),
        Rule("GET", "/v1/gdpr/where", PERSONAL),
        Rule("GET", "/v1/gdpr/erasure", PERSONAL),
        Rule("GET", "/v1/gdpr/retention-check", PERSONAL),
        Rule("GET", "/v1/audit", AUDIT),
        # The upcast routes name a registry subject in {event}.
        Rule("POST", "/v1/events/{event}/versions", W, e),
        Rule("POST", "/v1/events/{event}/versions/{version}/upcasters", W, e),
        Rule("DELETE", "/v1/events/{event}/versions/{version}/upcasters/{from_version}", W, e),
        Rule("PUT", "/v1/events/{event}/upcast-policy", CONFIG, e),
    ]


_CATALOG_KINDS = ("domains", "teams", "services", "channels", "stores", "recipients")


def _other() -> list[Rule]:
    return [
        Rule("GET", "/catalog", R),
        Rule("GET", "/catalog/{rest:path}", R),
        Rule("GET", "/docs", R),
        Rule("GET", "/docs-static/{rest:path}", R),
        Rule("GET", "/openapi.json", R),
        Rule("GET", "/metrics", R),
    ]


CONFLUENT_RULES = tuple(_confluent())
V1_RULES = tuple(_v1())
OTHER_RULES = tuple(_other())


class _Template:
    """A compiled template: literal segments, ``{name}`` (one segment), ``{name:path}`` (the
    rest, one segment or more)."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        path = rule.template.strip("/")
        self.segments = tuple(path.split("/")) if path else ("",)

    def match(self, parts: list[str]) -> dict[str, str] | None:
        params: dict[str, str] = {}
        for index, pattern in enumerate(self.segments):
            if pattern.endswith(":path}"):
                rest = parts[index:]
                tail = len(self.segments) - index - 1
                if len(rest) <= tail:
                    return None
                middle = rest[: len(rest) - tail]
                params[pattern[1:-6]] = "/".join(middle)
                return self._match_tail(parts[index + len(middle) :], index + 1, params)
            if index >= len(parts):
                return None
            if pattern.startswith("{"):
                params[pattern[1:-1]] = parts[index]
            elif pattern != parts[index]:
                return None
        return params if len(parts) == len(self.segments) else None

    def _match_tail(
        self, parts: list[str], start: int, params: dict[str, str]
    ) -> dict[str, str] | None:
        for pattern, part in zip(self.segments[start:], parts, strict=True):
            if pattern != part:
                return None
        return params


Index = dict[tuple[str, str], list[_Template]]


def _index(rules: tuple[Rule, ...]) -> Index:
    """Templates by (method, first segment), in table order."""
    index: Index = {}
    for rule in rules:
        template = _Template(rule)
        index.setdefault((rule.method, template.segments[0]), []).append(template)
    return index


_CONFLUENT = _index(CONFLUENT_RULES)
_OWN = _index(V1_RULES + OTHER_RULES)
_OPEN_PREFIX = "/health/"


_CACHE: dict[tuple[str, bytes, bytes], Permission] = {}
_CACHE_ENTRIES = 8192
_CACHED_LENGTH = 512


def permission(method: str, raw_path: bytes, path: str, query: bytes) -> Permission:
    """What a request needs. ``raw_path`` is still percent-encoded, ``path`` decoded.

    Answers are remembered per (method, path, query): clients ask for the same few thousand
    paths again and again, and the hot by-id path should cost one dictionary lookup here.
    """
    key = (method, raw_path, query)
    found = _CACHE.get(key)
    if found is None:
        decoded = raw_path.split(b"?", 1)[0].decode("latin-1")
        if len(raw_path) + len(query) > _CACHED_LENGTH:
            return _permission(method, decoded, path, query)
        if len(_CACHE) >= _CACHE_ENTRIES:
            _CACHE.clear()
        found = _CACHE[key] = _permission(method, decoded, path, query)
    return found


def _permission(method: str, raw_path: str, path: str, query: bytes) -> Permission:
    method = "GET" if method in ("HEAD", "OPTIONS") else method
    if method == "GET" and (path == "/" or path.startswith(_OPEN_PREFIX)):
        return Permission(Operation.READ, GLOBAL, path, open=True)
    raw_parts = raw_path.strip("/").split("/") if raw_path.strip("/") else [""]
    found = _lookup(_CONFLUENT, method, [unquote(part) for part in raw_parts])
    if found is None:
        parts = path.strip("/").split("/") if path.strip("/") else [""]
        found = _lookup(_OWN, method, parts)
    if found is None:
        operation = Operation.READ if method == "GET" else Operation.ADMINISTER
        return Permission(operation, GLOBAL, "")
    template, params = found
    rule = template.rule
    operation = rule.operation
    if rule.escalation is not None and _flag(query, rule.escalation[0]):
        operation = rule.escalation[1]
    return Permission(operation, rule.resource(params), rule.template)


def _lookup(index: Index, method: str, parts: list[str]) -> tuple[_Template, dict[str, str]] | None:
    for template in index.get((method, parts[0]), ()):
        params = template.match(parts)
        if params is not None:
            return template, params
    return None


def _flag(query: bytes, name: str) -> bool:
    values = parse_qs(query.decode("latin-1")).get(name, [])
    return any(value.lower() == "true" for value in values)


def rules() -> tuple[Rule, ...]:
    """Every row of the table, for docs and tests."""
    return CONFLUENT_RULES + V1_RULES + OTHER_RULES
