"""evcat: an event catalog and schema governance registry.

Packages, lowest first (docs/architecture.md; import-linter holds them to it): ``formats``,
``compat``, ``registry``, ``catalog``, then ``gdpr`` and ``upcast`` side by side; ``web``,
``cli`` and ``app`` on top. ``errors``, ``settings`` and ``db`` serve every layer.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
