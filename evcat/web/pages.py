"""What each catalog page shows, gathered from the catalog's views and the registry.

A ``Page`` is a template name, a title and the data the template reads; nothing here knows
HTTP or HTML, so the live routes and the static export build exactly the same pages. Every
read goes through ``catalog.views.Views`` or ``registry.service.Registry``, never tables.
"""

from __future__ import annotations

from typing import Any

from evcat.catalog.service import Catalog
from evcat.catalog.views import View, Views
from evcat.web import events as event_pages
from evcat.web.lineage import flows
from evcat.web.render import Page
from evcat.web.upcasting import Upcasting, upcast_service

# The kinds a search looks through, with the keys of each view it matches against.
_SEARCHED = {
    "events": ("id", "name", "description", "domain", "owner"),
    "services": ("id", "name", "description", "domain", "owner"),
}


def _matches(view: View, keys: tuple[str, ...], needle: str) -> bool:
    return any(needle in str(view.get(key) or "").lower() for key in keys)


def _domain_tree(domains: list[View]) -> list[tuple[View, int]]:
    """Domains in depth-first order with their depth, parents before children."""
    known = {d["id"] for d in domains}
    children: dict[str | None, list[View]] = {}
    for domain in domains:
        parent = domain.get("parent")
        children.setdefault(parent if parent in known else None, []).append(domain)
    ordered: list[tuple[View, int]] = []
    stack = [(d, 0) for d in reversed(children.get(None, []))]
    while stack:
        domain, depth = stack.pop()
        ordered.append((domain, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(domain["id"], [])))
    return ordered


class Site:
    """The pages of one catalog.

    ``upcasting`` should be made once per app (or per export) and shared: it keeps what it
    read per registry write epoch. Without one, the site makes its own.
    """

    def __init__(self, catalog: Catalog, upcasting: Upcasting | None = None) -> None:
        self.catalog = catalog
        self.views = Views(catalog)
        self.registry = catalog.registry
        self.upcasting = upcasting or Upcasting(upcast_service(catalog.registry))

    def home(self, query: str = "") -> Page:
        """Counts, domains with their events, every other resource; or search results."""
        described = {d["id"]: d for d in self.views.documents("Event")}
        events = [{**described.get(e["id"], {}), **e} for e in self.views.events()]
        services = self.views.documents("Service")
        subjects = self.registry.subjects()
        domains = self.views.documents("Domain")
        teams = self.views.documents("Team")
        context: dict[str, Any] = {
            "query": query,
            "counts": {
                "events": len(events),
                "services": len(services),
                "domains": len(domains),
                "teams": len(teams),
                "channels": len(self.views.documents("Channel")),
                "subjects": len(subjects),
            },
        }
        needle = query.strip().lower()
        if needle:
            context["results"] = {
                "events": [e for e in events if _matches(e, _SEARCHED["events"], needle)],
                "services": [s for s in services if _matches(s, _SEARCHED["services"], needle)],
                "subjects": [s for s in subjects if needle in s.lower()],
            }
            return Page("search.html", f"Search: {query}", context)
        by_domain: dict[str | None, list[View]] = {}
        for event in events:
            by_domain.setdefault(event.get("domain"), []).append(event)
        context.update(
            domains=[(d, depth, by_domain.get(d["id"], [])) for d, depth in _domain_tree(domains)],
            loose_events=by_domain.get(None, []),
            services=services,
            teams=teams,
            channels=self.views.documents("Channel"),
            stores=self.views.documents("Store"),
            recipients=self.views.documents("Recipient"),
            subjects=subjects,
        )
        return Page("home.html", "Event catalog", context)

    def event(self, name: str, version: int | None = None) -> Page:
        return event_pages.event_page(self.catalog, self.views, self.upcasting, name, version)

    def diff(self, name: str, old: int, new: int) -> Page:
        return event_pages.diff_page(self.catalog, self.views, name, old, new)

    def subject(self, subject: str) -> Page:
        return event_pages.subject_page(self.catalog, subject)

    def service(self, ident: str) -> Page:
        view = self.views.service(ident)
        return Page("service.html", view.get("name") or ident, {"service": view})

    def domain(self, ident: str) -> Page:
        view = self.views.domain(ident)
        return Page("domain.html", view.get("name") or ident, {"domain": view})

    def team(self, ident: str) -> Page:
        view = self.views.team(ident)
        return Page("team.html", view.get("name") or ident, {"team": view})

    def channel(self, ident: str) -> Page:
        view = self.views.channel(ident)
        return Page("channel.html", view.get("address") or ident, {"channel": view})

    def store(self, ident: str) -> Page:
        view = self.views.holder("Store", ident)
        context = {"holder": view, "kind": "Store", "edges": view.get("written_by", [])}
        return Page("holder.html", view.get("name") or ident, context)

    def recipient(self, ident: str) -> Page:
        view = self.views.holder("Recipient", ident)
        context = {"holder": view, "kind": "Recipient", "edges": view.get("received_from", [])}
        return Page("holder.html", view.get("name") or ident, context)

    def lineage(self) -> Page:
        """Producer -> channel -> consumer -> store flows with the personal data they carry."""
        rows, derivations = flows(self.views)
        return Page("lineage.html", "Lineage", {"flows": rows, "derivations": derivations})
