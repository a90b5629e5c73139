"""The ``derive`` expression language: ``parse`` text into a tree, ``expression`` compiles it
into closures, ``functions`` are the only calls an expression may make. Imports
``upcast.paths`` only.
"""

__all__ = [
    "expression",
    "limits",
    "parse",
]
