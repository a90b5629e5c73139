"""Declarative operations: parse, check against shapes, compile into closures over a payload.

``catalogue`` is the entry (parse, check and compile a list of operations); ``base`` is what
every operation provides and the operation table; ``fields``, ``values``, ``convert`` and
``each`` are the operation families (``conformance`` the generated ones); ``static`` runs
operations over shapes; ``expr`` is the ``derive`` expression language; ``converters`` the
named value converters; ``context`` the envelope facts an operation may read. Imports
``upcast.shapes``, ``upcast.paths`` and ``upcast.errors``.
"""

__all__ = [
    "base",
    "catalogue",
    "context",
    "each",
    "expr",
    "fields",
    "static",
    "values",
]
