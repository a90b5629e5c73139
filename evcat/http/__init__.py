"""What every route shares: the error renderer, the request context and the middleware stack.

- ``families``: which shape a route answers errors in (Confluent, ``/v1`` problems, website).
- ``problems``: the one renderer that turns an ``evcat.errors`` error into a response.

This package sits on top with the API modules, the website and the CLI: it may import any
evcat package, and nothing below it (registry, catalog, gdpr, upcast, formats, compat)
imports it.
"""
