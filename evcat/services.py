"""The services: the long-lived objects every request shares, built once per application.

``Services.build(settings)`` makes the database engine and every service over it, eagerly,
when the application is created (so tests serving ``create_app`` without a lifespan get them
too); the application's lifespan closes them on shutdown. Nothing is created lazily on first
use, so two first requests in two threads never build two copies.

Handlers get them as dependencies: each API package's accessor reads its service from the
app's state (``registry.v1``, ``catalog.http.catalog_of``, ``upcast.api.service``), the
constructor for the Confluent handlers, and ``Wiring.services`` for middleware. This module
sits on top, beside ``app``: it imports the registry, the catalog and upcasting.
"""

from __future__ import annotations

from dataclasses import dataclass

from evcat.catalog.service import Catalog
from evcat.db import make_engine
from evcat.registry.service import Registry
from evcat.settings import Settings
from evcat.upcast.service import UpcastService


@dataclass(frozen=True)
class Services:
    """Every service of one application, over one database engine."""

    settings: Settings
    registry: Registry
    catalog: Catalog
    upcast: UpcastService

    @classmethod
    def build(cls, settings: Settings) -> Services:
        registry = Registry(make_engine(settings.db_url), settings)
        upcast = UpcastService(
            registry,
            code_modules=settings.upcaster_module_list,
            code_drift=settings.upcaster_code_drift,
            samples=settings.upcaster_samples,
        )
        return cls(settings, registry, Catalog(registry), upcast)

    def close(self) -> None:
        """Release the database connections (at shutdown)."""
        self.registry.engine.dispose()
