"""OIDC bearer tokens signed by a locally generated RSA (and EC) key, checked against a JWKS
file named relative to the auth file."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from tests.auth.conftest import secured_server
from tests.auth.helpers import bearer, write_auth
from tests.conftest import database_url, drop_postgres_database

ISSUER = "https://idp.example/realms/acme"
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _jwks() -> dict[str, Any]:
    rsa_jwk = json.loads(RSAAlgorithm.to_jwk(RSA_KEY.public_key()))
    ec_jwk = json.loads(ECAlgorithm.to_jwk(EC_KEY.public_key()))
    return {
        "keys": [{**rsa_jwk, "kid": "rsa-1", "use": "sig"}, {**ec_jwk, "kid": "ec-1", "use": "sig"}]
    }


def token(
    *,
    key: Any = RSA_KEY,
    algorithm: str = "RS256",
    kid: str = "rsa-1",
    **claims: Any,
) -> str:
    now = int(time.time())
    body = {
        "iss": ISSUER,
        "aud": "evcat",
        "sub": "f3a9",
        "preferred_username": "alice",
        "groups": ["platform"],
        "iat": now,
        "exp": now + 300,
        **claims,
    }
    return jwt.encode(body, key, algorithm=algorithm, headers={"kid": kid})


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def oidc_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("oidc")
    (folder / "keys").mkdir()
    (folder / "keys" / "jwks.json").write_text(json.dumps(_jwks()))
    oidc = {
        "issuer": ISSUER,
        "audience": "evcat",
        "jwks_file": "keys/jwks.json",
        "groups_claim": "groups",
        "name_claim": "preferred_username",
    }
    auth = write_auth(folder / "auth.yaml", oidc=oidc)
    url = database_url(str(request.param), folder)
    try:
        with secured_server(url, auth) as server:
            yield server.url
    finally:
        if request.param == "postgresql":
            drop_postgres_database(url)


def _put_config(url: str, jwt_token: str) -> httpx.Response:
    return httpx.put(f"{url}/config", json={"compatibility": "BACKWARD"}, headers=bearer(jwt_token))


def test_a_valid_token_signs_in_with_its_groups(oidc_url: str) -> None:
    assert _put_config(oidc_url, token()).status_code == 200


def test_the_name_claim_names_the_principal(oidc_url: str) -> None:
    answer = _put_config(oidc_url, token(groups=["nobody"]))
    assert answer.status_code == 403
    assert answer.json()["message"] == "User alice is denied operation AlterConfig on Global"


def test_an_es256_token_signs_in(oidc_url: str) -> None:
    assert (
        _put_config(oidc_url, token(key=EC_KEY, algorithm="ES256", kid="ec-1")).status_code == 200
    )


def test_an_expired_token_is_refused(oidc_url: str) -> None:
    past = int(time.time()) - 3600
    answer = _put_config(oidc_url, token(iat=past - 300, exp=past))
    assert answer.status_code == 401
    assert answer.json() == {"error_code": 40101, "message": "Unauthorized"}


def test_a_token_not_yet_valid_is_refused(oidc_url: str) -> None:
    assert _put_config(oidc_url, token(nbf=int(time.time()) + 3600)).status_code == 401


def test_a_token_for_another_audience_is_refused(oidc_url: str) -> None:
    assert _put_config(oidc_url, token(aud="billing")).status_code == 401


def test_a_token_from_another_issuer_is_refused(oidc_url: str) -> None:
    assert _put_config(oidc_url, token(iss="https://evil.example")).status_code == 401


def test_a_token_naming_an_unknown_key_is_refused(oidc_url: str) -> None:
    assert _put_config(oidc_url, token(key=OTHER_KEY, kid="rsa-2")).status_code == 401


def test_a_token_signed_by_another_key_under_a_known_id_is_refused(oidc_url: str) -> None:
    assert _put_config(oidc_url, token(key=OTHER_KEY)).status_code == 401


def test_an_unsigned_token_is_refused(oidc_url: str) -> None:
    assert _put_config(oidc_url, token(key=None, algorithm="none")).status_code == 401


def test_an_hmac_token_keyed_with_the_public_key_is_refused(oidc_url: str) -> None:
    public_pem = RSA_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    claims = jwt.decode(token(), options={"verify_signature": False})
    forged = _hs256(public_pem, claims)
    assert _put_config(oidc_url, forged).status_code == 401


def _hs256(secret: bytes, claims: dict[str, Any]) -> str:
    """An HS256 token keyed with ``secret``; PyJWT refuses PEM secrets, so sign by hand."""

    def part(data: bytes) -> bytes:
        return base64.urlsafe_b64encode(data).rstrip(b"=")

    header = part(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}).encode())
    payload = part(json.dumps(claims).encode())
    signature = part(hmac.new(secret, header + b"." + payload, hashlib.sha256).digest())
    return (header + b"." + payload + b"." + signature).decode()
