"""``evcat catalog build DIR``: the website as a static site, with relative links.

The pages are the live site's pages (same ``Site``, same templates), rendered without a
server: every query-string variant becomes a file of its own (``events/<id>.v1.html``,
``events/<id>.diff-1-2.html``) and links are relative, so the folder can be served by any
static host or opened from the disk. There is no search box: it needs the server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib.resources import files
from itertools import pairwise
from pathlib import Path

from evcat.catalog.service import Catalog
from evcat.web.pages import Site
from evcat.web.render import Links, Page, render, static_name
from evcat.web.upcasting import Upcasting, upcast_service

# Resource kinds with one page per id: URL segment, catalog kind, page builder.
_RESOURCES: tuple[tuple[str, str, Callable[[Site, str], Page]], ...] = (
    ("services", "Service", Site.service),
    ("domains", "Domain", Site.domain),
    ("teams", "Team", Site.team),
    ("channels", "Channel", Site.channel),
    ("stores", "Store", Site.store),
    ("recipients", "Recipient", Site.recipient),
)


def _pages(site: Site) -> Iterator[tuple[str, Page]]:
    """Every page of the site with its file path relative to the site's root."""
    yield "index.html", site.home()
    yield "lineage.html", site.lineage()
    for event in site.views.events():
        name = event["id"]
        yield f"events/{static_name(name)}", site.event(name)
        numbers = event["versions"]
        for number in numbers:
            yield f"events/{static_name(name, query={'version': number})}", site.event(name, number)
        for old, new in pairwise(numbers):
            target = static_name(name, "diff", {"from": old, "to": new})
            yield f"events/{target}", site.diff(name, old, new)
    for segment, kind, build in _RESOURCES:
        for document in site.views.documents(kind):
            yield f"{segment}/{static_name(document['id'])}", build(site, document["id"])
    for subject in site.registry.subjects():
        yield f"subjects/{static_name(subject)}", site.subject(subject)


def build_site(catalog: Catalog, directory: Path) -> list[Path]:
    """Write every page and the stylesheet under ``directory``; returns the files written."""
    written: list[Path] = []
    # One upcast service for the whole export: its snapshot and routes are built once.
    site = Site(catalog, Upcasting(upcast_service(catalog.registry)))
    for relative, page in _pages(site):
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        # Pages sit at most one folder deep, so the way back to the root is "" or "../".
        links = Links(live=False, root="../" * relative.count("/"))
        html = render(page.template, links, title=page.title, **page.context)
        target.write_text(html, encoding="utf-8")
        written.append(target)
    missing = directory / "404.html"
    missing.write_text(
        render(
            "error.html",
            Links(live=False, root=""),
            title="Not found",
            status=404,
            message="There is no catalog page here.",
        ),
        encoding="utf-8",
    )
    written.append(missing)
    style = directory / "static" / "style.css"
    style.parent.mkdir(parents=True, exist_ok=True)
    style.write_bytes((files("evcat.web") / "static" / "style.css").read_bytes())
    written.append(style)
    return written
