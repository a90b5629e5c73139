"""The ``evcat`` command line: ``main`` is the Typer app the console script runs.

On top of every other package; nothing in evcat imports it.
"""

__all__ = [
    "main",
]
