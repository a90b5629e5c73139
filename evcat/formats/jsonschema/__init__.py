"""JSON Schema: ``format`` parses, meta-validates and prints documents; ``drafts`` knows each
dialect's keywords. Imports ``formats.base`` and ``evcat.errors`` only.
"""

__all__ = [
    "drafts",
    "format",
    "patterns",
]
