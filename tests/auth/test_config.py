"""The auth file: what the parser accepts, the problems it names, and that docs/auth.schema.json
agrees with it on every example."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from evcat.auth.parsing import AuthConfigError, load_config, parse_config
from evcat.auth.roles import Role
from tests.auth.helpers import auth_document, password_hash

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "auth.schema.json").read_text())
DIGEST = "3f1a" + "0" * 60


def _jsonable(value: Any) -> Any:
    """YAML dates as the ISO strings a JSON document would hold."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _examples() -> list[tuple[str, dict[str, Any] | None, bool]]:
    user = {"name": "ci-bot", "password_hash": password_hash("ci-bot"), "groups": ["platform"]}
    oidc = {
        "issuer": "https://idp.example/realms/acme",
        "audience": "evcat",
        "jwks_file": "jwks.json",
    }
    binding = {"groups": ["platform"], "role": "admin"}
    limit = {"per_minute": 1000, "burst": 200}
    return [
        ("the issue's example", auth_document(), True),
        ("an empty file", None, True),
        ("anonymous read only", {"anonymous": "read"}, True),
        ("oidc with a jwks file", {"oidc": oidc}, True),
        ("oidc with an audience list", {"oidc": {**oidc, "audience": ["evcat", "x"]}}, True),
        ("oidc with both jwks sources", {"oidc": {**oidc, "jwks_url": "https://idp/jwks"}}, False),
        ("oidc with the none algorithm", {"oidc": {**oidc, "algorithms": ["none"]}}, False),
        ("oidc with an HMAC algorithm", {"oidc": {**oidc, "algorithms": ["HS256"]}}, False),
        (
            "a token that expires",
            {"tokens": [{"name": "t", "token_sha256": DIGEST, "expires": dt.date(2027, 6, 30)}]},
            True,
        ),
        ("a token with a short digest", {"tokens": [{"name": "t", "token_sha256": "3f1a"}]}, False),
        ("a user without a hash", {"users": [{"name": "u"}]}, False),
        ("a user with a bcrypt hash", {"users": [{**user, "password_hash": "$2b$12$abc"}]}, False),
        ("an unknown top-level key", {"user": [user]}, False),
        ("anonymous write", {"anonymous": "write"}, False),
        ("a binding with globs", {"bindings": [{**binding, "subjects": ["orders-*"]}]}, True),
        ("a binding owned by a team", {"bindings": [{**binding, "owned_by": "payments"}]}, True),
        (
            "a binding with globs and a team",
            {"bindings": [{**binding, "subjects": ["a"], "owned_by": "t"}]},
            False,
        ),
        ("a binding with an unknown role", {"bindings": [{**binding, "role": "owner"}]}, False),
        ("a binding naming nobody", {"bindings": [{"role": "reader"}]}, False),
        ("rate limits", {"rate_limits": {"default": limit, "principals": {"ci-bot": limit}}}, True),
        ("a rate limit without burst", {"rate_limits": {"default": {"per_minute": 10}}}, False),
        ("a zero rate", {"rate_limits": {"default": {"per_minute": 0, "burst": 1}}}, False),
        (
            "a trusted proxy",
            {"trusted_proxies": ["10.0.0.0/8"], "identity_header": "X-Forwarded-User"},
            True,
        ),
        ("an identity header without proxies", {"identity_header": "X-Forwarded-User"}, False),
    ]


@pytest.mark.parametrize(
    ("name", "document", "valid"), _examples(), ids=[e[0] for e in _examples()]
)
def test_parser_and_json_schema_agree(
    tmp_path: Path, name: str, document: dict[str, Any] | None, valid: bool
) -> None:
    (tmp_path / "jwks.json").write_text('{"keys": []}')
    try:
        parse_config(document, tmp_path)
        parsed = True
    except AuthConfigError:
        parsed = False
    schema_errors = list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(_jsonable(document)))
    assert (parsed, not schema_errors) == (valid, valid), schema_errors


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    document = {
        "anonymous": "sometimes",
        "users": [{"name": "a", "password_hash": "plain"}],
        "bindings": [
            {"users": ["a"], "role": "owner"},
            {"groups": ["g"], "role": "reader", "subjects": ["a["]},
        ],
    }
    with pytest.raises(AuthConfigError) as raised:
        parse_config(document, tmp_path)
    text = "\n".join(raised.value.problems)
    assert len(raised.value.problems) == 4
    assert "anonymous" in text
    assert "argon2id" in text
    assert "unknown role 'owner'" in text
    assert "never closes" in text


def test_a_name_given_twice_is_a_problem(tmp_path: Path) -> None:
    users = [
        {"name": "ci-bot", "password_hash": password_hash("ci-bot")},
        {"name": "ci-bot", "password_hash": password_hash("root")},
    ]
    with pytest.raises(AuthConfigError, match="'ci-bot' is given 2 times"):
        parse_config({"users": users}, tmp_path)


def test_jwks_file_is_read_from_the_auth_files_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    (folder / "jwks.json").write_text('{"keys": []}')
    document = {"oidc": {"issuer": "https://idp", "audience": "evcat", "jwks_file": "jwks.json"}}
    (folder / "auth.yaml").write_text(yaml.safe_dump(document))
    monkeypatch.chdir(tmp_path)
    config = load_config(Path("conf/auth.yaml"))
    assert config.oidc is not None
    assert config.oidc.jwks_file == (folder / "jwks.json").resolve()


def test_bindings_keep_their_role_and_globs(tmp_path: Path) -> None:
    config = parse_config(auth_document(), tmp_path)
    writer = next(b for b in config.bindings if b.role is Role.WRITER)
    assert writer.subjects == ("orders-*", ":.shop:orders-*")
    assert writer.matches_subject is not None
    assert writer.matches_subject(":.shop:orders-value")
    assert not writer.matches_subject("payments-value")


def test_a_file_that_is_not_yaml_says_so(tmp_path: Path) -> None:
    path = tmp_path / "auth.yaml"
    path.write_text("users: [")
    with pytest.raises(AuthConfigError, match="not valid YAML"):
        load_config(path)
