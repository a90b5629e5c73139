"""References between schema files of a repository, and parsing a file together with them.

A schema's references come from its manifest entry (``references:``), and, for convenience,
from the files themselves: a Protobuf ``import`` or a JSON Schema ``$ref`` to a relative file
names another schema file of the repository when one is found at that path.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from evcat.cli.targets import Plan, Target

_IMPORT = re.compile(r'^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;', re.MULTILINE)


class Tree(Protocol):
    """Where file texts come from: the working tree or a git ref."""

    def read(self, path: Path) -> str | None: ...


class Unresolved(Exception):
    """A reference that names nothing that can be found."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


@dataclass(frozen=True, slots=True)
class Link:
    """One reference of a schema: its name in the schema, the subject, and the file if known."""

    name: str
    subject: str
    version: int | None
    target: Target | None


def _json_refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _json_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _json_refs(item)


def _implicit_target(path: Path, name: str, schema_type: str, plan: Plan) -> Target:
    known = plan.known.get(path)
    if known is not None:
        return known
    return Target(path, path.as_posix(), name, schema_type, "NONE")


def _import_candidates(target: Target, name: str, plan: Plan) -> list[Path]:
    suffix = "/" + name
    matches = [
        path
        for path, known in plan.known.items()
        if known.shown == name or known.shown.endswith(suffix)
    ]
    # Import paths are relative to an include root, usually a directory above the file.
    ancestors = [target.file.parent, *target.file.parent.parents]
    roots = ancestors[: ancestors.index(plan.root) + 1] if plan.root in ancestors else ancestors[:1]
    return [*matches, *((root / name).resolve() for root in roots)]


def links(target: Target, text: str, plan: Plan, tree: Tree) -> list[Link]:
    """Every reference of ``target``: the manifest's first, then imports and relative $refs."""
    found = [
        Link(ref.name, ref.subject, ref.version, plan.by_subject(ref.subject))
        for ref in target.references
    ]
    named = {link.name for link in found}
    if target.schema_type == "PROTOBUF":
        from evcat.formats.protobuf.format import builtin_names

        builtins = builtin_names()
        for name in _IMPORT.findall(text):
            if name in named or name in builtins:
                continue
            path = next((p for p in _import_candidates(target, name, plan) if tree.read(p)), None)
            if path is None:
                raise Unresolved(
                    f'import "{name}" matches no schema file of the repository',
                    "add the file, or list it under 'references:' of this entry in evcat.yaml",
                )
            dependency = _implicit_target(path, name, "PROTOBUF", plan)
            found.append(Link(name, dependency.subject, None, dependency))
            named.add(name)
    elif target.schema_type == "JSON":
        try:
            document = json.loads(text)
        except ValueError:
            return found  # the parser says what is wrong with the text
        for ref in _json_refs(document):
            name = ref.split("#", 1)[0]
            if not name or name in named or ":" in name:
                continue
            path = (target.file.parent / name).resolve()
            if tree.read(path) is None:
                raise Unresolved(
                    f"$ref '{ref}' names {name}, which is not a file of the repository",
                    "add the file, or list the reference under 'references:' in evcat.yaml",
                )
            dependency = _implicit_target(path, name, "JSON", plan)
            found.append(Link(name, dependency.subject, None, dependency))
            named.add(name)
    return found


def pinned(
    target: Target,
    text: str,
    plan: Plan,
    tree: Tree,
    latest: Callable[[str], int | None],
    registry: str,
) -> list[dict[str, Any]]:
    """``target``'s references as a registration body lists them.

    A reference without a version takes its subject's latest version (``latest``: None when
    the registry at ``registry`` does not have the subject, which is ``Unresolved``).
    """
    found = []
    for link in links(target, text, plan, tree):
        version = link.version if link.version is not None else latest(link.subject)
        if version is None:
            raise Unresolved(
                f"reference '{link.name}' names subject '{link.subject}', which is not "
                f"registered at {registry}",
                f"register {link.subject} first",
            )
        found.append({"name": link.name, "subject": link.subject, "version": version})
    return found


class Resolver:
    """Parses schema files of one tree, each with the schemas its references name.

    ``version_of`` numbers a referenced file; files whose text differs between the two trees
    of a check must get different numbers, since the Protobuf checker skips a referenced file
    that both sides take from the same subject version.
    """

    def __init__(self, tree: Tree, plan: Plan, version_of: Callable[[Path], int]) -> None:
        self.tree = tree
        self.plan = plan
        self.version_of = version_of
        self._parsed: dict[Path, Any] = {}
        self._visiting: list[Path] = []

    def parse(self, target: Target, text: str) -> Any:
        """The ``ParsedSchema``; raises ``InvalidSchemaError`` or ``Unresolved``."""
        from evcat.errors import InvalidSchemaError
        from evcat.formats import SchemaReference, get_format

        if target.file in self._parsed:
            return self._parsed[target.file]
        self._visiting.append(target.file)
        try:
            references, dependencies = [], {}
            for link in links(target, text, self.plan, self.tree):
                dependency, dependency_text = self._dependency(link)
                try:
                    parsed = self.parse(dependency, dependency_text)
                except InvalidSchemaError as error:
                    raise Unresolved(
                        f"reference '{link.name}' ({dependency.shown}) does not parse: "
                        f"{error.message}",
                        f"fix {dependency.shown} first",
                    ) from None
                version = self.version_of(dependency.file)
                references.append(SchemaReference(link.name, link.subject, version))
                dependencies[link.name] = parsed
            schema = get_format(target.schema_type).parse(text, references, dependencies)
        finally:
            self._visiting.pop()
        self._parsed[target.file] = schema
        return schema

    def _dependency(self, link: Link) -> tuple[Target, str]:
        if link.target is None:
            raise Unresolved(
                f"reference '{link.name}' names subject '{link.subject}', which no entry of "
                "evcat.yaml declares",
                f"add an entry with 'subject: {link.subject}' and its file to evcat.yaml",
            )
        if link.target.file in self._visiting:
            raise Unresolved(
                f"reference '{link.name}' leads back to {link.target.shown}: references "
                "cannot form a cycle",
                "break the cycle",
            )
        text = self.tree.read(link.target.file)
        if text is None:
            raise Unresolved(
                f"reference '{link.name}' names {link.target.shown}, which does not exist here",
                "add the file, or fix the reference in evcat.yaml",
            )
        return link.target, text
