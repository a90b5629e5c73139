"""HTML rendering: the Jinja2 environment and the links between pages.

One set of templates serves the live site and the static export; they differ only in how a
page names another, which ``Links`` decides. Live links are absolute paths under
``/catalog/`` with query strings; static links are relative file names (``../events/x.html``)
so the exported folder works from any host or straight from the disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader

PREFIX = "/catalog/"


@dataclass(frozen=True)
class Page:
    """One page: its template, its title and what the template shows."""

    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)


def file_name(ident: str) -> str:
    """A file name for an id: every character that is not safe in a path is %-escaped."""
    return quote(ident, safe="")


@dataclass(frozen=True)
class Links:
    """How pages link to each other: live under ``/catalog/``, or relative in a static export."""

    live: bool = True
    root: str = PREFIX

    def page(self, kind: str, ident: str, variant: str = "", **query: Any) -> str:
        """The URL of one resource page; ``variant`` selects a version or a diff of it."""
        if self.live:
            path = f"{PREFIX}{kind}/{quote(ident, safe='')}"
            if variant:
                path += f"/{variant}"
            chosen = {k: v for k, v in query.items() if v is not None}
            return f"{path}?{urlencode(chosen)}" if chosen else path
        return self.root + quote(f"{kind}/{static_name(ident, variant, query)}")

    def home(self, **query: Any) -> str:
        chosen = {k: v for k, v in query.items() if v}
        if self.live:
            return f"{PREFIX}?{urlencode(chosen)}" if chosen else PREFIX
        return f"{self.root}index.html"

    def lineage(self) -> str:
        return f"{PREFIX}lineage" if self.live else f"{self.root}lineage.html"

    def static(self, name: str) -> str:
        return f"{PREFIX}static/{name}" if self.live else f"{self.root}static/{name}"

    def json(self, kind: str, ident: str) -> str | None:
        """The API answer a page is built from (live only: a static export has no API)."""
        if not self.live:
            return None
        quoted = quote(ident, safe="")
        if kind == "subjects":
            return f"/subjects/{quoted}/versions"
        return f"/v1/{kind}/{quoted}"

    def event(self, ident: str, version: int | None = None) -> str:
        return self.page("events", ident, version=version)

    def diff(self, ident: str, old: int, new: int) -> str:
        return self.page("events", ident, "diff", **{"from": old, "to": new})

    def subject(self, ident: str) -> str:
        return self.page("subjects", ident)


def static_name(ident: str, variant: str = "", query: dict[str, Any] | None = None) -> str:
    """The file of a page in a static export: ``<id>.html``, ``<id>.v2.html``,
    ``<id>.diff-1-2.html`` (query strings cannot select a file on disk)."""
    query = query or {}
    name = file_name(ident)
    if variant == "diff":
        name += f".diff-{query['from']}-{query['to']}"
    elif query.get("version") is not None:
        name += f".v{query['version']}"
    return f"{name}.html"


@cache
def environment() -> Environment:
    """The templates shipped in ``evcat/web/templates``, always autoescaped.

    Missing keys render empty: views leave out what a resource does not declare.
    """
    env = Environment(
        loader=PackageLoader("evcat.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def render(template: str, links: Links, **context: Any) -> str:
    """One page as HTML."""
    return environment().get_template(template).render(links=links, **context)
