"""The website's routes under ``/catalog/``: HTML pages and the static stylesheet.

Translation only, as in the API modules: each route asks ``pages.Site`` for a page and renders
it. Errors are raised like everywhere else; the one renderer (``evcat.http.problems``) shows
them on ``/catalog/`` paths as ``error_html`` pages with a way home, never the JSON the API
routes answer: a browser is on the other end.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse

from evcat.catalog.http import catalog_of
from evcat.errors import BadRequestError, EvcatError, NotFoundError
from evcat.http.context import StaticFilesRoute
from evcat.upcast.service import UpcastService
from evcat.web.pages import Site
from evcat.web.render import Links, Page, render
from evcat.web.upcasting import Upcasting

router = APIRouter(prefix="/catalog", include_in_schema=False)
LINKS = Links()


def error_html(error: EvcatError) -> str:
    """The website's page for ``error``: its message and a link home."""
    if error.status == 404:
        title = "Not found"
    elif error.status >= 500:
        title = "Something went wrong on our side"
    else:
        title = "Cannot show this page"
    return render("error.html", LINKS, title=title, status=error.status, message=error.message)


def upcasting_of(request: Request) -> Upcasting:
    """The app's upcaster view (made by ``install``), over the app's one upcast service,
    so pages share its per-epoch snapshot and routes."""
    upcasting: Upcasting = request.app.state.upcasting
    return upcasting


def _show(request: Request, build: Callable[[Site], Page]) -> HTMLResponse:
    """Render the page ``build`` makes; what the catalog refuses is raised as it is."""
    given = (*request.path_params.values(), *request.query_params.values())
    if any("\x00" in str(value) for value in given):
        # No database can look up a NUL character; say so instead of failing in the query.
        raise BadRequestError("The address holds a NUL (%00) character; remove it")
    page = build(Site(catalog_of(request), upcasting_of(request)))
    html = render(page.template, LINKS, title=page.title, **page.context)
    return HTMLResponse(html)


def _number(value: str | None, name: str) -> int | None:
    """A version number from the query string; anything else is the reader's typo."""
    if value is None or value == "":
        return None
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise BadRequestError(f"{name} must be a version number, not '{value}'")
    return int(value)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, q: str = "") -> HTMLResponse:
    """Counts, domains with their events, and the search over events, services, subjects."""
    return _show(request, lambda site: site.home(q))


@router.get("/lineage", response_class=HTMLResponse)
def lineage(request: Request) -> HTMLResponse:
    return _show(request, lambda site: site.lineage())


@router.get("/events/{name}", response_class=HTMLResponse)
def event(request: Request, name: str, version: str | None = None) -> HTMLResponse:
    number = _number(version, "version")
    return _show(request, lambda site: site.event(name, number))


@router.get("/events/{name}/diff", response_class=HTMLResponse)
def diff(
    request: Request,
    name: str,
    old: Annotated[str | None, Query(alias="from")] = None,
    new: Annotated[str | None, Query(alias="to")] = None,
) -> HTMLResponse:
    before, after = _number(old, "from"), _number(new, "to")
    if before is None or after is None:
        raise BadRequestError("Choose two versions to compare: ?from=1&to=2")
    return _show(request, lambda site: site.diff(name, before, after))


@router.get("/subjects/{subject:path}", response_class=HTMLResponse)
def subject(request: Request, subject: str) -> HTMLResponse:
    """A registry subject; the path converter keeps subjects that contain ``/`` whole."""
    return _show(request, lambda site: site.subject(subject))


def _resource_route(kind: str, build: Callable[[Site, str], Page]) -> None:
    def handler(request: Request, ident: str) -> HTMLResponse:
        return _show(request, lambda site: build(site, ident))

    handler.__name__ = f"{kind}_page"
    router.add_api_route(f"/{kind}/{{ident}}", handler, response_class=HTMLResponse)


_resource_route("services", Site.service)
_resource_route("domains", Site.domain)
_resource_route("teams", Site.team)
_resource_route("channels", Site.channel)
_resource_route("stores", Site.store)
_resource_route("recipients", Site.recipient)


@router.get("/{rest:path}", response_class=HTMLResponse)
def unknown(rest: str) -> HTMLResponse:
    """Any other path under ``/catalog/``: the HTML 404, not the API's JSON one."""
    raise NotFoundError(f"There is no catalog page at /catalog/{rest}")


def install(app: FastAPI, upcast_service: UpcastService) -> None:
    """Serve the website on ``app``: the stylesheet first, so the catch-all 404 does not
    shadow it, then the pages. The upcaster view is built here, once, over
    ``upcast_service`` (the ``/v1`` upcast routes' own)."""
    app.state.upcasting = Upcasting(upcast_service)
    static = files("evcat.web") / "static"
    app.mount(
        "/catalog/static",
        StaticFilesRoute(directory=str(static), route="/catalog/static"),
        name="catalog-static",
    )
    app.include_router(router)
