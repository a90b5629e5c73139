"""The ASGI application: the Confluent API in front, evcat's own routes behind it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.types import ASGIApp
from swagger_ui_bundle import swagger_ui_path

from evcat import __version__, limits
from evcat.audit.api import router as audit_router
from evcat.auth.layer import auth_layer
from evcat.catalog.api import router as catalog_router
from evcat.gdpr.api import router as gdpr_router
from evcat.http.context import StaticFilesRoute, record_route
from evcat.http.error_types import router as error_types_router
from evcat.http.problems import ErrorRenderer, install_exception_handlers
from evcat.http.stack import Wiring, build_stack
from evcat.registry import v1
from evcat.registry.api import ConfluentApi
from evcat.registry.http import ConfluentRouter
from evcat.services import Services
from evcat.settings import Settings
from evcat.upcast.api import router as upcast_router
from evcat.web.routes import error_html
from evcat.web.routes import install as install_website


def create_fastapi(services: Services, errors: ErrorRenderer) -> FastAPI:
    """evcat's own routes (``/v1/...``, the website) over ``services``; errors go through
    ``errors``. The lifespan closes the services when the server stops."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        services.close()

    # The interactive docs load Swagger UI from the installed package, never from a CDN: the
    # registry often runs where browsers cannot reach the internet.
    app = FastAPI(
        title="evcat",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(record_route)],
        lifespan=lifespan,
    )
    app.state.services = services
    # Each API package's dependency reads its own service from here (``registry.v1``,
    # ``catalog.http``, ``upcast.api``), so none of them imports the HTTP layer.
    app.state.registry = services.registry
    app.state.catalog = services.catalog
    app.state.upcast = services.upcast
    app.mount(
        "/docs-static",
        StaticFilesRoute(directory=swagger_ui_path, route="/docs-static"),
        name="docs-static",
    )

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="evcat API",
            swagger_js_url="/docs-static/swagger-ui-bundle.js",
            swagger_css_url="/docs-static/swagger-ui.css",
            swagger_favicon_url="/docs-static/favicon-32x32.png",
        )

    install_exception_handlers(app, errors)

    app.include_router(v1.router)
    app.include_router(catalog_router)
    app.include_router(gdpr_router)
    app.include_router(upcast_router)
    app.include_router(audit_router)
    app.include_router(error_types_router)
    install_website(app, services.upcast)

    @app.get("/health/live", include_in_schema=False)
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    return app


@dataclass(frozen=True)
class Application:
    """The service: the ASGI app and the services it serves (tests reach them here)."""

    asgi: ASGIApp
    services: Services


def build_application(settings: Settings, *, migrate: bool | None = None) -> Application:
    """Build the whole service. An embedded (SQLite) database is migrated on the way.

    The services are built here, eagerly and once, so an app served without a lifespan
    (tests' ``LiveServer``) has them as well; the lifespan only closes them.
    """
    limits.configure(settings)
    if migrate if migrate is not None else settings.is_embedded:
        # Imported here: Alembic costs a quarter of a second of start-up that workers skip.
        from evcat.migrations import upgrade

        upgrade(settings.db_url)
    services = Services.build(settings)
    errors = ErrorRenderer(html_page=error_html)
    router = ConfluentRouter(create_fastapi(services, errors), errors)
    ConfluentApi(services.registry).install(router)

    def auth(app: ASGIApp) -> ASGIApp:
        return auth_layer(app, settings, errors, services.registry)

    wiring = Wiring(settings, errors, services, auth=auth)
    return Application(build_stack(router, wiring), services)


def create_app(settings: Settings | None = None, *, migrate: bool | None = None) -> ASGIApp:
    """The whole service as an ASGI app (see ``build_application``)."""
    return build_application(settings or Settings(), migrate=migrate).asgi


def app_from_env() -> ASGIApp:
    """Factory for ``uvicorn --factory`` and multi-worker serving: settings from EVCAT_*."""
    return create_app(Settings(), migrate=False)
