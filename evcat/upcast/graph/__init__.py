"""The version graph: nodes are the schema versions of event types, edges the upcasters.

``schemas`` indexes the versions (event type and version to schema id, schema and shape),
``model`` holds edges, lineages and route searches, ``version_graph`` validates lineages and
picks routes. Imports ``upcast.shapes``, ``upcast.errors``, ``evcat.formats`` and
``evcat.errors``.
"""

__all__ = [
    "schemas",
    "version_graph",
]
