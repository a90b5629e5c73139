"""The catalog website: server-rendered pages under ``/catalog/`` and their static export.

``pages`` gathers what each page shows from the catalog's views and the registry, ``render``
turns it into HTML with the package's Jinja2 templates, ``routes`` serves it and ``build``
writes the same pages as a static site. Imports ``evcat.catalog``, ``evcat.registry``,
``evcat.upcast`` and ``evcat.formats``; only ``app`` and ``cli`` import it.
"""

__all__ = [
    "build",
    "routes",
]
