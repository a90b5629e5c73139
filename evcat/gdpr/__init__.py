"""The GDPR data map: field classification, propagation along lineage, and DPO reports.

``vocabulary`` holds the controlled lists, ``classify`` merges a field's classification from
its sources, ``propagation`` follows categories along the catalog's lineage, and ``where``,
``erasure``, ``retention`` and ``diff`` build the reports served by ``api`` and the CLI.
Owns its own tables (``models``: overlays, tag mappings). Reads the catalog through
``catalog.service``, ``catalog.queries`` and ``catalog.views``, never the catalog's tables;
imports ``evcat.compat``, ``evcat.formats``, ``evcat.db`` and ``evcat.errors`` besides.
"""

__all__ = [
    "api",
    "diff",
    "erasure",
    "render",
    "retention",
    "where",
]
