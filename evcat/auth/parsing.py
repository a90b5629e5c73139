"""Reading the auth file: ``load_config(path)`` returns an ``AuthConfig`` or raises
``AuthConfigError`` listing every problem at once, so one edit fixes them all. Relative paths
(``jwks_file``) are read from the file's folder.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import re
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from argon2 import extract_parameters
from argon2.exceptions import InvalidHashError

from evcat.auth.config import (
    SIGNATURE_ALGORITHMS,
    AuthConfig,
    Binding,
    Limit,
    Network,
    Oidc,
    RateLimits,
    Token,
    User,
)
from evcat.auth.globs import compile_globs, glob_problem
from evcat.auth.roles import ROLE_NAMES, Role

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_HEADER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
_MAX_FILE_BYTES = 1024 * 1024


class AuthConfigError(ValueError):
    """The auth file cannot be used; ``problems`` says every reason."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}: " + "; ".join(problems))
        self.source = source
        self.problems = problems


def load_config(path: Path) -> AuthConfig:
    """Read and check the auth file at ``path``; raises ``AuthConfigError`` naming every problem."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > _MAX_FILE_BYTES:
            raise AuthConfigError(source, [f"the file is {size} bytes; the limit is 1 MiB"])
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise AuthConfigError(source, [f"cannot read the file ({error.strerror})"]) from None
    except UnicodeDecodeError:
        raise AuthConfigError(source, ["the file is not UTF-8 text"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise AuthConfigError(source, [f"not valid YAML: {error}"]) from None
    return parse_config(data, path.resolve().parent, source)


def parse_config(data: Any, base: Path, source: str = "auth config") -> AuthConfig:
    """An ``AuthConfig`` from decoded YAML; relative paths are resolved against ``base``."""
    parser = _Parser(base)
    config = parser.config(data, source)
    if parser.problems:
        raise AuthConfigError(source, parser.problems)
    return config


_TOP_KEYS = frozenset(
    {
        "anonymous",
        "users",
        "tokens",
        "oidc",
        "bindings",
        "rate_limits",
        "trusted_proxies",
        "identity_header",
    }
)


class _Parser:
    """Walks the document once, collecting every problem instead of stopping at the first."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def config(self, data: Any, source: str) -> AuthConfig:
        if data is None:
            data = {}
        if not isinstance(data, dict):
            self.problem("(top)", "the file must hold a mapping (anonymous, users, bindings...)")
            return AuthConfig(source)
        self.unknown_keys("(top)", data, _TOP_KEYS)
        anonymous = data.get("anonymous", "none")
        if anonymous not in ("none", "read"):
            self.problem("anonymous", f"must be 'none' or 'read', not {anonymous!r}")
            anonymous = "none"
        users = {u.name: u for u in self.items("users", data, self.user)}
        tokens = {t.name: t for t in self.items("tokens", data, self.token)}
        self.unique_names(data)
        oidc = self.oidc(data["oidc"]) if "oidc" in data else None
        bindings = tuple(self.items("bindings", data, self.binding))
        proxies = tuple(self.items("trusted_proxies", data, self.network))
        header = data.get("identity_header")
        if header is not None and (
            not isinstance(header, str) or not _HEADER_NAME.fullmatch(header)
        ):
            self.problem("identity_header", f"{header!r} is not an HTTP header name")
            header = None
        if header is not None and not proxies:
            self.problem(
                "identity_header", "needs trusted_proxies: the addresses allowed to set it"
            )
        return AuthConfig(
            source=source,
            anonymous=anonymous,
            users=users,
            tokens=tokens,
            oidc=oidc,
            bindings=bindings,
            rate_limits=self.rate_limits(data.get("rate_limits")),
            trusted_proxies=proxies,
            identity_header=header.lower() if header else None,
        )

    # -- helpers ---------------------------------------------------------------------------

    def unknown_keys(self, where: str, data: dict[str, Any], known: frozenset[str]) -> None:
        for key in sorted(set(map(str, data)) - known):
            self.problem(where, f"unknown key '{key}' (known: {', '.join(sorted(known))})")

    def items(self, key: str, data: dict[str, Any], parse: Any) -> list[Any]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(key, "must be a list")
            return []
        parsed = [parse(f"{key}[{index}]", item) for index, item in enumerate(value)]
        return [item for item in parsed if item is not None]

    def text(self, where: str, item: dict[str, Any], key: str) -> str | None:
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            self.problem(where, f"'{key}' must be a non-empty string")
            return None
        return value

    def names(self, where: str, item: dict[str, Any], key: str) -> frozenset[str]:
        value = item.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.problem(where, f"'{key}' must be a list of names")
            return frozenset()
        return frozenset(value)

    def mapping(self, where: str, item: Any, known: frozenset[str]) -> dict[str, Any] | None:
        if not isinstance(item, dict):
            self.problem(where, "must be a mapping")
            return None
        self.unknown_keys(where, item, known)
        return item

    # -- sections --------------------------------------------------------------------------

    def user(self, where: str, item: Any) -> User | None:
        item = self.mapping(where, item, frozenset({"name", "password_hash", "groups"}))
        if item is None:
            return None
        name = self.text(where, item, "name")
        hashed = self.text(where, item, "password_hash")
        groups = self.names(where, item, "groups")
        if hashed is not None:
            try:
                if extract_parameters(hashed).type.name != "ID":
                    raise InvalidHashError
            except (InvalidHashError, ValueError):
                self.problem(
                    where,
                    "'password_hash' is not an argon2id hash: make one with "
                    "`evcat auth hash-password`",
                )
                hashed = None
        if name is None or hashed is None:
            return None
        return User(name, hashed, groups)

    def token(self, where: str, item: Any) -> Token | None:
        known = frozenset({"name", "token_sha256", "groups", "expires"})
        item = self.mapping(where, item, known)
        if item is None:
            return None
        name = self.text(where, item, "name")
        digest = item.get("token_sha256")
        if not isinstance(digest, str) or not _SHA256_HEX.fullmatch(digest.lower()):
            self.problem(
                where, "'token_sha256' must be 64 hex digits, as `evcat auth new-token` prints"
            )
            digest = None
        expires = item.get("expires")
        if isinstance(expires, str):
            with contextlib.suppress(ValueError):
                expires = dt.date.fromisoformat(expires)
        if expires is not None and not isinstance(expires, dt.date):
            self.problem(where, f"'expires' must be a date (YYYY-MM-DD), not {expires!r}")
            expires = None
        if isinstance(expires, dt.datetime):
            expires = expires.date()
        groups = self.names(where, item, "groups")
        if name is None or digest is None:
            return None
        return Token(name, digest.lower(), groups, expires)

    def unique_names(self, data: dict[str, Any]) -> None:
        """A name signs in one way: no two users or tokens (or a user and a token) share it."""
        names: list[str] = []
        for key in ("users", "tokens"):
            items = data.get(key)
            if isinstance(items, list):
                names += [
                    i["name"]
                    for i in items
                    if isinstance(i, dict) and isinstance(i.get("name"), str)
                ]
        for name, count in sorted(Counter(names).items()):
            if count > 1:
                self.problem("users/tokens", f"the name '{name}' is given {count} times")

    def oidc(self, item: Any) -> Oidc | None:
        known = frozenset(
            {
                "issuer",
                "audience",
                "jwks_file",
                "jwks_url",
                "groups_claim",
                "name_claim",
                "algorithms",
            }
        )
        item = self.mapping("oidc", item, known)
        if item is None:
            return None
        issuer = self.text("oidc", item, "issuer")
        audience = item.get("audience")
        audiences = (audience,) if isinstance(audience, str) else audience
        if (
            not isinstance(audiences, (list, tuple))
            or not audiences
            or not all(isinstance(a, str) and a for a in audiences)
        ):
            self.problem("oidc", "'audience' must be a string or a list of strings")
            audiences = None
        jwks_file, jwks_url = item.get("jwks_file"), item.get("jwks_url")
        if (jwks_file is None) == (jwks_url is None):
            self.problem("oidc", "give exactly one of 'jwks_file' and 'jwks_url'")
        path: Path | None = None
        if jwks_file is not None:
            if not isinstance(jwks_file, str) or not jwks_file:
                self.problem("oidc", "'jwks_file' must be a path")
            else:
                path = (self.base / jwks_file).resolve()
                if not path.is_file():
                    self.problem("oidc", f"'jwks_file' {path} does not exist")
        if jwks_url is not None and (
            not isinstance(jwks_url, str) or not jwks_url.startswith(("https://", "http://"))
        ):
            self.problem("oidc", "'jwks_url' must be an http(s) URL")
            jwks_url = None
        algorithms = item.get("algorithms", list(SIGNATURE_ALGORITHMS))
        if (
            not isinstance(algorithms, list)
            or not algorithms
            or not set(algorithms) <= set(SIGNATURE_ALGORITHMS)
        ):
            self.problem(
                "oidc", f"'algorithms' must be a list drawn from {', '.join(SIGNATURE_ALGORITHMS)}"
            )
            algorithms = list(SIGNATURE_ALGORITHMS)
        claims = {
            key: item.get(key, default)
            for key, default in (("groups_claim", "groups"), ("name_claim", "sub"))
        }
        for key, value in claims.items():
            if not isinstance(value, str) or not value:
                self.problem("oidc", f"'{key}' must be a claim name")
        if issuer is None or audiences is None:
            return None
        return Oidc(
            issuer=issuer,
            audience=tuple(audiences),
            jwks_file=path,
            jwks_url=jwks_url,
            groups_claim=str(claims["groups_claim"]),
            name_claim=str(claims["name_claim"]),
            algorithms=tuple(algorithms),
        )

    def binding(self, where: str, item: Any) -> Binding | None:
        known = frozenset({"users", "groups", "role", "subjects", "owned_by"})
        item = self.mapping(where, item, known)
        if item is None:
            return None
        users = self.names(where, item, "users")
        groups = self.names(where, item, "groups")
        if not users and not groups:
            self.problem(
                where, "name the 'users' or 'groups' it applies to ('*': everyone signed in)"
            )
        role_name = item.get("role")
        role: Role | None = None
        if role_name in ROLE_NAMES:
            role = Role(role_name)
        else:
            self.problem(where, f"unknown role {role_name!r} (roles: {', '.join(ROLE_NAMES)})")
        subjects, owned_by = item.get("subjects"), item.get("owned_by")
        if subjects is not None and owned_by is not None:
            self.problem(where, "give 'subjects' or 'owned_by', not both")
        globs: tuple[str, ...] | None = None
        if subjects is not None:
            if not isinstance(subjects, list) or not subjects:
                self.problem(where, "'subjects' must be a non-empty list of globs")
            else:
                bad = [p for p in map(glob_problem, subjects) if p]
                for message in bad:
                    self.problem(where, message)
                if not bad:
                    globs = tuple(subjects)
        if owned_by is not None and (not isinstance(owned_by, str) or not owned_by):
            self.problem(where, "'owned_by' must name a team of the catalog")
            owned_by = None
        if role is None or (not users and not groups):
            return None
        if subjects is not None and globs is None:
            return None
        return Binding(
            role=role,
            users=users,
            groups=groups,
            subjects=globs,
            owned_by=owned_by,
            matches_subject=compile_globs(globs) if globs else None,
        )

    def network(self, where: str, item: Any) -> Network | None:
        try:
            return ipaddress.ip_network(str(item), strict=False)
        except ValueError:
            self.problem(where, f"{item!r} is not an IP address or network (10.0.0.0/8)")
            return None

    def rate_limits(self, item: Any) -> RateLimits:
        if item is None:
            return RateLimits()
        item = self.mapping("rate_limits", item, frozenset({"default", "principals"}))
        if item is None:
            return RateLimits()
        default = self.limit("rate_limits.default", item["default"]) if "default" in item else None
        principals: dict[str, Limit] = {}
        given = item.get("principals") or {}
        if not isinstance(given, dict):
            self.problem("rate_limits.principals", "must map principal names to limits")
            given = {}
        for name, value in given.items():
            limit = self.limit(f"rate_limits.principals.{name}", value)
            if limit is not None:
                principals[str(name)] = limit
        return RateLimits(default, principals)

    def limit(self, where: str, item: Any) -> Limit | None:
        item = self.mapping(where, item, frozenset({"per_minute", "burst"}))
        if item is None:
            return None
        per_minute, burst = item.get("per_minute"), item.get("burst")
        ok = True
        if (
            isinstance(per_minute, bool)
            or not isinstance(per_minute, (int, float))
            or per_minute <= 0
        ):
            self.problem(where, "'per_minute' must be a positive number")
            ok = False
        if isinstance(burst, bool) or not isinstance(burst, int) or burst < 1:
            self.problem(where, "'burst' must be a whole number of at least 1")
            ok = False
        return Limit(float(per_minute), int(burst)) if ok else None
