"""Auth files and credentials for the tests: one user per role, as the issue's example binds them.

argon2id hashes take about 50 ms each, so each password is hashed once per process.
"""

from __future__ import annotations

import base64
import functools
from pathlib import Path
from typing import Any

import yaml

from evcat.auth.hashing import hash_password, token_digest

# user -> (password, groups); the bindings below give each group one role.
USERS: dict[str, tuple[str, list[str]]] = {
    "reader": ("reader-pw", []),
    "ci-bot": ("ci-bot-pw", ["orders"]),
    "editor": ("editor-pw", ["catalog"]),
    "dpo": ("dpo-pw", ["privacy"]),
    "root": ("root-pw", ["platform"]),
    "pay-bot": ("pay-bot-pw", ["payments"]),
}
ROLE_OF = {
    "reader": "reader",
    "ci-bot": "writer",
    "editor": "catalog-editor",
    "dpo": "privacy-officer",
    "root": "admin",
}
TOKEN = "evcat_test-token-of-orders-producer"
BINDINGS: list[dict[str, Any]] = [
    {"groups": ["platform"], "role": "admin"},
    {"groups": ["orders"], "role": "writer", "subjects": ["orders-*", ":.shop:orders-*"]},
    {"groups": ["catalog"], "role": "catalog-editor"},
    {"groups": ["privacy"], "role": "privacy-officer"},
    {"users": ["*"], "role": "reader"},
]


@functools.cache
def password_hash(user: str) -> str:
    return hash_password(USERS[user][0])


def users_section(*names: str) -> list[dict[str, Any]]:
    return [
        {"name": n, "password_hash": password_hash(n), "groups": USERS[n][1]}
        for n in names or tuple(USERS)
    ]


def auth_document(**overrides: Any) -> dict[str, Any]:
    """The issue's example file: every role's user, a token of the orders group, bindings."""
    document: dict[str, Any] = {
        "anonymous": "none",
        "users": users_section(),
        "tokens": [
            {"name": "orders-producer", "token_sha256": token_digest(TOKEN), "groups": ["orders"]}
        ],
        "bindings": BINDINGS,
    }
    document.update(overrides)
    return document


def write_auth(path: Path, **overrides: Any) -> Path:
    path.write_text(yaml.safe_dump(auth_document(**overrides), sort_keys=False))
    return path


def basic(user: str, password: str | None = None) -> dict[str, str]:
    """An Authorization header for ``user`` (with its own password unless one is given)."""
    secret = USERS[user][0] if password is None else password
    encoded = base64.b64encode(f"{user}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
