"""JSON Schema: parse, meta-validate, resolve ``$ref``s and print the canonical compact JSON.

The draft comes from ``$schema`` (draft-04 to 2020-12); a schema without one is read as
draft-07, as Confluent's registry does. Meta-validation runs in jsonschema-rs: python-jsonschema
needs milliseconds per schema for the 2020-12 meta-schema, jsonschema-rs microseconds.
References are looked up by name in a ``referencing`` registry and never fetched from the network.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin

import jsonschema_rs
import orjson
from jsonschema_specifications import REGISTRY  # type: ignore[import-untyped]
from referencing import Registry
from referencing.exceptions import Unresolvable

from evcat.errors import InvalidSchemaError
from evcat.formats.base import JSON, ParsedSchema, SchemaReference
from evcat.formats.jsonschema.drafts import (
    DRAFT7,
    DRAFTS,
    REF_KEYWORDS,
    Draft,
    draft_for,
    escape,
    join,
    subschemas,
)
from evcat.formats.jsonschema.patterns import pattern_problem

if TYPE_CHECKING:
    from referencing._core import Resolver

# The published meta-schemas, so that a $ref to one resolves without a network.
META_SCHEMAS: Registry[Any] = REGISTRY

# Deep enough for any real schema, shallow enough that every recursive walker stays far from
# Python's recursion limit.
MAX_DEPTH = 128


@dataclass(frozen=True, slots=True, eq=False)
class JsonSchemaModel:
    """The parsed document and what it takes to follow its ``$ref``s.

    ``registry`` holds this document at ``base_uri``, every referenced document (transitively)
    under its reference name and ``$id``, and the published meta-schemas; nothing else resolves.
    """

    document: Any
    draft: Draft
    registry: Registry[Any]
    base_uri: str

    def resolver(self) -> Resolver[Any]:
        """A resolver scoped at the document's root."""
        return self.registry.resolver(base_uri=self.base_uri)

    def enter(self, node: Any, resolver: Resolver[Any]) -> Resolver[Any]:
        """The resolver for ``node``, a subschema reached from ``resolver``'s scope."""
        if isinstance(node, dict) and self.draft.specification.id_of(node) is not None:
            return resolver.in_subresource(self.draft.specification.create_resource(node))
        return resolver

    def lookup(self, ref: str, resolver: Resolver[Any]) -> tuple[Any, Resolver[Any]]:
        """The subschema ``ref`` points to and the resolver scoped at it.

        Raises ``referencing.exceptions.Unresolvable``; parsing guarantees that every ``$ref``
        of a parsed document resolves.
        """
        resolved = resolver.lookup(ref)
        return resolved.contents, resolved.resolver


def _fail(detail: str) -> InvalidSchemaError:
    return InvalidSchemaError(f"Invalid schema of type JSON: {detail}")


def _load(text: str) -> Any:
    if not isinstance(text, str):
        raise _fail("the schema must be a string holding a JSON object or boolean")
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise _fail(
            f"the text is not valid JSON ({exc.msg} at line {exc.lineno} column "
            f"{exc.colno}); send a JSON object or boolean"
        ) from None
    except ValueError as exc:
        raise _fail(str(exc)) from None
    except RecursionError:
        raise _fail(
            f"the JSON nests deeper than {MAX_DEPTH} levels; flatten it with definitions and $ref"
        ) from None
    if not isinstance(document, dict | bool):
        raise _fail(f"a JSON Schema must be a JSON object or a boolean, not {_kind(document)}")
    return document


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    return "null" if value is None else "a number"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON; write the number as a string or drop it")


def _check_depth(document: Any) -> None:
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _fail(
                f"the JSON nests deeper than {MAX_DEPTH} levels; flatten it "
                "with definitions and $ref"
            )
        if isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value)


def _draft_of(document: Any) -> Draft:
    if not isinstance(document, dict) or "$schema" not in document:
        return DRAFT7
    declared = document["$schema"]
    if isinstance(declared, str) and (draft := draft_for(declared)):
        return draft
    supported = ", ".join(draft.uri for draft in DRAFTS)
    raise _fail(
        f"unknown $schema {declared!r}; use one of {supported}, or leave $schema out for draft-07"
    )


def _pointer(parts: Sequence[str | int]) -> str:
    return "#/" + "/".join(escape(str(part)) for part in parts)


def _meta_validate(document: Any, draft: Draft) -> None:
    if isinstance(document, bool):
        return  # true and false are valid in every draft that can be declared without $schema
    # jsonschema-rs would take a missing $schema for 2020-12, and would try to download an
    # unusual spelling of a known one; naming the dialect exactly avoids both.
    instance = (
        document if document.get("$schema") == draft.uri else {**document, "$schema": draft.uri}
    )
    try:
        jsonschema_rs.meta.validate(instance)
    except jsonschema_rs.ValidationError as exc:
        raise _fail(
            f"at '{_pointer(exc.instance_path)}' {exc.message} (checked against the "
            f"{draft.name} meta-schema); fix that keyword"
        ) from None
    except (jsonschema_rs.ReferencingError, ValueError) as exc:
        raise _fail(f"{exc} (checked against the {draft.name} meta-schema)") from None


def _registry(
    document: Any, draft: Draft, base_uri: str, dependencies: Mapping[str, ParsedSchema]
) -> Registry[Any]:
    resources: list[tuple[str, Any]] = []
    pending = list(dependencies.items())
    seen: set[str] = set()
    while pending:
        name, dependency = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        model = dependency.model
        if not isinstance(model, JsonSchemaModel):
            raise _fail(
                f"reference '{name}' is of type {dependency.schema_type}; a JSON "
                "Schema can only reference JSON schemas"
            )
        resource = model.draft.specification.create_resource(model.document)
        uri = urldefrag(name).url
        resources += [(uri, resource), (urljoin(base_uri, uri), resource)]
        if model.base_uri:
            resources.append((model.base_uri, resource))
        pending.extend(dependency.dependencies.items())
    # The document itself goes last so that its own $id or "" wins over any clash.
    resources.append((base_uri, draft.specification.create_resource(document)))
    return META_SCHEMAS.with_resources(resources)


def _check_subschemas(model: JsonSchemaModel) -> None:
    """Check every pattern and ``$ref``, and refuse ``$ref`` loops that never consume input."""
    in_place: dict[int, list[int]] = {}
    paths: dict[int, str] = {}
    stack: list[tuple[Any, str, Resolver[Any]]] = [(model.document, "#/", model.resolver())]
    while stack:
        node, path, resolver = stack.pop()
        if not isinstance(node, dict):
            continue
        paths[id(node)] = path
        edges = in_place.setdefault(id(node), [])
        _check_patterns(node, path)
        for keyword in REF_KEYWORDS:
            ref = node.get(keyword)
            if isinstance(ref, str):
                edges.append(id(_resolve(model, ref, resolver, join(path, keyword))))
        for suffix, child, same_instance in subschemas(node, model.draft):
            if same_instance and isinstance(child, dict):
                edges.append(id(child))
            stack.append((child, join(path, suffix), model.enter(child, resolver)))
    loop = _find_loop(in_place)
    if loop is not None:
        raise _fail(
            f"the subschema at '{paths[loop]}' applies itself to the same value through "
            "$ref and allOf/anyOf/oneOf/not/if, so validating any value never ends; "
            "make the recursion go through properties or items"
        )


def _check_patterns(node: dict[str, Any], path: str) -> None:
    pattern = node.get("pattern")
    if isinstance(pattern, str) and (problem := pattern_problem(pattern)):
        raise _fail(
            f"the regular expression {pattern!r:.80} at '{join(path, 'pattern')}' {problem}; "
            "fix or escape it"
        )
    patterns = node.get("patternProperties")
    if isinstance(patterns, dict):
        for key in patterns:
            if problem := pattern_problem(key):
                raise _fail(
                    f"the regular expression {key!r:.80} in "
                    f"'{join(path, 'patternProperties')}' {problem}; fix or escape it"
                )


def _resolve(model: JsonSchemaModel, ref: str, resolver: Resolver[Any], where: str) -> Any:
    try:
        return model.lookup(ref, resolver)[0]
    except Unresolvable:
        pass
    except ValueError:
        raise _fail(f"the $ref {ref!r} at '{where}' is not a valid URI reference") from None
    if ref.startswith("#"):
        raise _fail(
            f"the $ref {ref!r} at '{where}' points to nothing in this schema; point it "
            "at an existing definition"
        )
    raise _fail(
        f"the $ref {ref!r} at '{where}' cannot be resolved: it is not inside this schema "
        f"and no reference named {urldefrag(ref).url!r} was given; add a reference "
        "(name, subject, version) for it"
    )


def _find_loop(edges: Mapping[int, list[int]]) -> int | None:
    """A node on a cycle of ``edges``, or None; iterative so depth costs no stack."""
    done: set[int] = set()
    for start in edges:
        if start in done:
            continue
        on_path = {start}
        trail: list[tuple[int, Iterator[int]]] = [(start, iter(edges.get(start, ())))]
        while trail:
            node, targets = trail[-1]
            target = next(targets, None)
            if target is None:
                trail.pop()
                on_path.discard(node)
                done.add(node)
            elif target in on_path:
                return target
            elif target not in done:
                on_path.add(target)
                trail.append((target, iter(edges.get(target, ()))))
    return None


def _canonical(document: Any, normalize: bool) -> str:
    try:
        return orjson.dumps(document, option=orjson.OPT_SORT_KEYS if normalize else 0).decode()
    except orjson.JSONEncodeError as exc:
        if "surrogate" in str(exc):
            raise _fail(
                "the text holds an unpaired UTF-16 surrogate escape (\\ud800-\\udfff); remove it"
            ) from None
    # orjson stops at 64-bit integers; the standard library prints any integer exactly.
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False, sort_keys=normalize)


class JsonSchemaFormat:
    """JSON Schema documents, drafts 4 to 2020-12."""

    schema_type = JSON

    def parse(
        self,
        text: str,
        references: Sequence[SchemaReference] = (),
        dependencies: Mapping[str, ParsedSchema] | None = None,
        *,
        normalize: bool = False,
    ) -> ParsedSchema:
        """Parse, meta-validate and resolve ``text``; 42201 saying what to fix otherwise."""
        dependencies = dependencies or {}
        document = _load(text)
        _check_depth(document)
        draft = _draft_of(document)
        _meta_validate(document, draft)
        base_uri = ""
        if isinstance(document, dict):
            # Drafts 6 and 7 allow an empty fragment on $id; lookups never carry one.
            base_uri = urldefrag(draft.specification.id_of(document) or "").url
        try:
            registry = _registry(document, draft, base_uri, dependencies)
            model = JsonSchemaModel(document, draft, registry, base_uri)
            _check_subschemas(model)
        except ValueError as exc:
            # urllib refuses some URIs that draft 2019-09 and later do not check, e.g. "http://[".
            raise _fail(f"an $id, $ref or reference name is not a valid URI ({exc})") from None
        return ParsedSchema(
            schema_type=JSON,
            canonical=_canonical(document, normalize),
            model=model,
            references=tuple(references),
            dependencies=dict(dependencies),
        )

    def render(self, schema: ParsedSchema, output_format: str) -> str:
        """Every ``format=`` value prints the canonical text."""
        return schema.canonical


JSON_FORMAT = JsonSchemaFormat()
