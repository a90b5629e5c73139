"""Upcasting: read any stored event version as the version a reader wants.

Declarative upcasters (``edges.spec`` over the operations in ``ops``) and Python ones
(``edges.code``) are edges of a per-type version graph (``graph``) whose implicit edges come
from the formats' own resolution rules (``edges.implicit``). Routes through the graph compile
into plain closures (``edges.compile``) run by an ``Upcaster`` (``read.dicts``); ``read.wire``
and ``read.cloudevents`` read and write framed payloads, ``bulk`` a JSON Lines store.
``service`` keeps upcasters beside schema versions (its tables: ``models``, ``store``),
``gate`` registers a version with its upcaster, ``api`` serves both.

Sub-packages, lowest first: ``shapes``, ``codecs``, ``ops``, ``graph``, ``edges``, ``read``.
Imports ``evcat.registry`` (through ``registry.service`` and its values), ``evcat.compat``,
``evcat.formats``, ``evcat.db``, ``evcat.settings`` and ``evcat.errors``; never the catalog.
"""

from evcat.upcast.edges.assemble import build_graph
from evcat.upcast.edges.code import Emit, upcaster
from evcat.upcast.edges.spec import UpcasterSpec, load_document, parse_spec
from evcat.upcast.errors import (
    FutureSchemaVersion,
    GraphError,
    InvalidStoredEvent,
    InvalidWireFormat,
    Problem,
    SpecError,
    UpcastFailed,
)
from evcat.upcast.ops.context import UpcastContext
from evcat.upcast.read.dicts import NAMESPACE, StoredEvent, Upcaster, UpcastEvent, upcaster_for

__all__ = [
    "NAMESPACE",
    "Emit",
    "FutureSchemaVersion",
    "GraphError",
    "InvalidStoredEvent",
    "InvalidWireFormat",
    "Problem",
    "SpecError",
    "StoredEvent",
    "UpcastContext",
    "UpcastEvent",
    "UpcastFailed",
    "Upcaster",
    "UpcasterSpec",
    "api",
    "build_graph",
    "bulk",
    "edges",
    "errors",
    "graph",
    "load_document",
    "parse_spec",
    "read",
    "service",
    "upcaster",
    "upcaster_for",
]
