"""Upcasting: read any stored event version as the version a reader wants.

Declarative upcasters (``spec``, ``ops``) and Python ones (``code``) are edges of a per-type
version graph (``graph``) whose implicit edges come from the formats' own resolution rules
(``implicit``). Routes through the graph compile into plain closures (``compile``) run by an
``Upcaster`` (``runtime``); ``wire`` and ``cloudevents`` read and write framed payloads.
"""

from evcat.upcast.edges.assemble import build_graph, upcaster_for
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
from evcat.upcast.read.dicts import NAMESPACE, StoredEvent, Upcaster, UpcastEvent

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
    "build_graph",
    "load_document",
    "parse_spec",
    "upcaster",
    "upcaster_for",
]
