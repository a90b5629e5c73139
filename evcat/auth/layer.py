"""The auth layer of the HTTP stack (``evcat.http.stack``), built from the settings."""

from __future__ import annotations

import logging

from starlette.types import ASGIApp

from evcat.auth.middleware import AuthMiddleware
from evcat.auth.policy import OwnerIndex
from evcat.auth.state import AuthState
from evcat.catalog.ownership import subjects_by_team
from evcat.catalog.service import Catalog
from evcat.http.problems import ErrorRenderer
from evcat.http.refused_sign_ins import sign_in_listener
from evcat.registry.service import Registry
from evcat.settings import Settings, is_loopback, no_auth_warning

log = logging.getLogger(__name__)


def auth_layer(
    app: ASGIApp, settings: Settings, errors: ErrorRenderer, registry: Registry
) -> ASGIApp:
    """``app`` behind sign-in when an auth file is set; else ``app`` itself (warned about
    when it listens beyond loopback, which ``evcat serve`` allows only when told to)."""
    if settings.auth_config is None:
        if not is_loopback(settings.host):
            log.warning(no_auth_warning(settings.host))
        return app
    catalog = Catalog(registry)
    state = AuthState(
        settings.auth_config,
        OwnerIndex(lambda: subjects_by_team(catalog)),
        lambda schema_id: [s for s, _ in registry.versions_of_schema(schema_id)],
    )
    middleware = AuthMiddleware(app, state, errors)
    # Every refused sign-in goes into the audit trail, with the request's id and address.
    middleware.listeners.append(sign_in_listener(registry.engine))
    return middleware
