"""The event catalog: domains, teams, services, channels and events, as documents and tables.

Owns the catalog's documents (``spec``, read and written by ``yamlio``, ``apply`` and
``export``), its tables (``models``, written only by ``store``), reads for views
(``queries``, ``views``, ``discovery``, ``lineage``), the ``Catalog`` service (``service``),
the personal-data categories fields declare (``categories``), interop (``asyncapi``,
``cloudevents``) and its ``/v1`` routes (``api``, ``api_events``, ``http``). Imports
``evcat.registry`` (through ``registry.service`` and its values), ``evcat.formats``,
``evcat.db`` and ``evcat.errors``; never ``evcat.gdpr``.
"""

__all__ = [
    "api",
    "asyncapi",
    "asyncapi_import",
    "categories",
    "cloudevents",
    "demo",
    "discovery",
    "durations",
    "errors",
    "fields",
    "http",
    "ownership",
    "queries",
    "service",
    "spec",
    "views",
    "yamlio",
]
