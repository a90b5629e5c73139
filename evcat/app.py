"""The ASGI application: the Confluent API in front, evcat's own routes behind it."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp
from swagger_ui_bundle import swagger_ui_path

from evcat import __version__, limits
from evcat.auth.middleware import AuthMiddleware
from evcat.auth.policy import OwnerIndex
from evcat.auth.state import AuthState
from evcat.bodyguard import BodyGuard
from evcat.catalog.api import router as catalog_router
from evcat.catalog.ownership import subjects_by_team
from evcat.catalog.service import Catalog
from evcat.db import make_engine
from evcat.errors import PROBLEM_MEDIA_TYPE, EvcatError, problem
from evcat.gdpr.api import router as gdpr_router
from evcat.registry import v1
from evcat.registry.api import ConfluentApi
from evcat.registry.http import ConfluentRouter
from evcat.registry.service import Registry
from evcat.settings import Settings, is_loopback, no_auth_warning
from evcat.upcast.api import router as upcast_router
from evcat.web.routes import install as install_website

log = logging.getLogger(__name__)


def _error(request: Request, status: int, code: int, message: str) -> JSONResponse:
    """Confluent's error shape, or an RFC 7807 problem on evcat's own ``/v1`` routes."""
    if request.url.path.startswith("/v1/"):
        return JSONResponse(
            problem(status, code, message), status_code=status, media_type=PROBLEM_MEDIA_TYPE
        )
    return JSONResponse(
        {"error_code": code, "message": message},
        status_code=status,
        media_type="application/vnd.schemaregistry.v1+json",
    )


def create_fastapi(registry: Registry) -> FastAPI:
    """evcat's own routes (``/v1/...``, the website); errors keep Confluent's shape."""
    # The interactive docs load Swagger UI from the installed package, never from a CDN: the
    # registry often runs where browsers cannot reach the internet.
    app = FastAPI(title="evcat", version=__version__, docs_url=None, redoc_url=None)
    app.mount("/docs-static", StaticFiles(directory=swagger_ui_path), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="evcat API",
            swagger_js_url="/docs-static/swagger-ui-bundle.js",
            swagger_css_url="/docs-static/swagger-ui.css",
            swagger_favicon_url="/docs-static/favicon-32x32.png",
        )

    app.state.registry = registry

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(
            request, exc.status_code, exc.status_code, f"HTTP {exc.status_code} {exc.detail}"
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors()
        )
        return _error(request, 422, 422, f"Invalid request: {problems}")

    @app.exception_handler(EvcatError)
    async def domain_error(request: Request, exc: EvcatError) -> JSONResponse:
        return _error(request, exc.status, exc.error_code, exc.message)

    app.include_router(v1.router)
    app.include_router(catalog_router)
    app.include_router(gdpr_router)
    app.include_router(upcast_router)
    install_website(app)

    @app.get("/health/live", include_in_schema=False)
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    return app


def create_app(settings: Settings | None = None, *, migrate: bool | None = None) -> ASGIApp:
    """Build the whole service. An embedded (SQLite) database is migrated on the way."""
    settings = settings or Settings()
    limits.configure(settings)
    if migrate if migrate is not None else settings.is_embedded:
        # Imported here: Alembic costs a quarter of a second of start-up that workers skip.
        from evcat.migrations import upgrade

        upgrade(settings.db_url)
    registry = Registry(make_engine(settings.db_url), settings)
    router = ConfluentRouter(create_fastapi(registry), settings.max_request_bytes)
    ConfluentApi(registry).install(router)
    # Sign-in comes first: a request that may not be served never has its body read.
    guarded: ASGIApp = BodyGuard(
        router, max_bytes=settings.max_request_bytes, read_timeout=settings.body_read_timeout
    )
    if settings.auth_config is None:
        if not is_loopback(settings.host):
            log.warning(no_auth_warning(settings.host))
        return guarded
    return AuthMiddleware(guarded, auth_state(settings.auth_config, registry))


def auth_state(path: Path, registry: Registry) -> AuthState:
    """The auth file at ``path``, resolving ``owned_by`` teams through the catalog."""
    catalog = Catalog(registry)
    return AuthState(
        path,
        OwnerIndex(lambda: subjects_by_team(catalog)),
        lambda schema_id: [s for s, _ in registry.versions_of_schema(schema_id)],
    )


def app_from_env() -> ASGIApp:
    """Factory for ``uvicorn --factory`` and multi-worker serving: settings from EVCAT_*."""
    return create_app(Settings(), migrate=False)
