"""Edges of the version graph: what an upcaster is, how it is checked and compiled.

``spec`` parses declarative documents, ``code`` registers Python upcasters, ``implicit`` finds
the steps a format resolves by itself; ``checking`` checks a spec against its schemas,
``samples`` and ``validation`` run an edge on generated payloads, ``compile`` turns edges into
stages, ``assemble`` builds the graph from stored upcasters. Imports ``upcast.graph``,
``upcast.ops``, ``upcast.codecs``, ``upcast.shapes``, ``evcat.compat`` and ``evcat.formats``.
"""

__all__ = [
    "assemble",
    "checking",
    "code",
    "compile",
    "implicit",
    "spec",
    "validation",
]
