"""Making and checking secrets: argon2id password hashes and random API tokens."""

from __future__ import annotations

import functools
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2-cffi's defaults (RFC 9106 low-memory profile: 64 MiB, 3 passes): ~50 ms per hash,
# which is why verified credentials are cached and never hashed per request.
_HASHER = PasswordHasher()
TOKEN_PREFIX = "evcat_"


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` for the ``users:`` section of the auth file."""
    return _HASHER.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    """True when ``password`` is the one ``password_hash`` was made from (constant time)."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def decoy_hash() -> str:
    """A hash no password matches, checked for unknown users to take as long as a real one."""
    return hash_password(secrets.token_hex(32))


def new_token() -> str:
    """A random bearer token (256 bits), prefixed so secret scanners can recognise it."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """The SHA-256 (hex) of a token: all the auth file keeps of it."""
    return hashlib.sha256(token.encode()).hexdigest()
