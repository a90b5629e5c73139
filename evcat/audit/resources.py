"""How audit records name what they are about: ``family:name``.

``subject:orders-value``, ``config:global``, ``config:subject:orders-value``,
``mode:subject:orders-value``, ``service:billing-service``, ``upcaster:...``,
``classification:...``. A name is kept whole up to ``MAX_RESOURCE_BYTES`` of UTF-8; a longer
one keeps its start and gains a digest of the whole, so every resource (and principal) fits an
index on every backend, and a filter on the long name, shortened the same way, still finds it.
"""

from __future__ import annotations

import hashlib

MAX_RESOURCE_BYTES = 512
_KEPT_CHARS = 200


def bounded(name: str) -> str:
    """``name`` whole when short enough, else its start, ``~`` and a digest of all of it."""
    if (
        len(name) * 4 <= MAX_RESOURCE_BYTES
        or len(name.encode("utf-8", "surrogatepass")) <= MAX_RESOURCE_BYTES
    ):
        return name
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{name[:_KEPT_CHARS]}~sha256:{digest}"


def subject(name: str) -> str:
    return bounded(f"subject:{name}")


def config(subject_name: str | None) -> str:
    return bounded(f"config:subject:{subject_name}" if subject_name else "config:global")


def mode(subject_name: str | None) -> str:
    return bounded(f"mode:subject:{subject_name}" if subject_name else "mode:global")


CATALOG = "catalog:all"
"""The resource of a whole catalog apply."""
REGISTRY = "registry:all"
"""The resource of an import of exported registry data."""


def catalog_resource(kind: str, ident: str) -> str:
    """A catalog resource by kind (``Service``) and id: ``service:billing-service``."""
    return bounded(f"{kind.lower()}:{ident}")


def upcaster(event: str, from_version: int, to_event: str | None, to_version: int | None) -> str:
    """An upcaster edge: ``upcaster:orders-value/v1->orders-value/v2`` (``->emit`` for emits)."""
    target = f"{to_event}/v{to_version}" if to_event else "emit"
    return bounded(f"upcaster:{event}/v{from_version}->{target}")


def upcast_policy(event: str) -> str:
    return bounded(f"upcast-policy:{event}")


def classification(event: str, version: int, path: str) -> str:
    return bounded(f"classification:{event}/v{version}/{path}")


def tag(name: str) -> str:
    return bounded(f"tag:{name}")


def retention_policy(ident: str) -> str:
    return bounded(f"retention-policy:{ident}")


def sign_in(scheme: str) -> str:
    """Where a refused sign-in was tried: ``sign-in:basic``, ``sign-in:bearer``."""
    return bounded(f"sign-in:{scheme}")
