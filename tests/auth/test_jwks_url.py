"""A JWKS fetched from a URL (a real local HTTP server): cached, and fetched again when a token
names a key id it does not hold, at most once per ``REFETCH_SECONDS``."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from jwt.algorithms import RSAAlgorithm

from evcat.auth.config import Oidc
from evcat.auth.oidc import REFETCH_SECONDS, OidcVerifier, TokenRejected
from tests.auth.test_oidc import ISSUER, OTHER_KEY, RSA_KEY, token


class Provider:
    """An identity provider's JWKS endpoint whose key set the test can rotate."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = [_jwk(RSA_KEY, "rsa-1")]
        self.fetches = 0


def _jwk(key: Any, kid: str) -> dict[str, Any]:
    return {**json.loads(RSAAlgorithm.to_jwk(key.public_key())), "kid": kid}


@pytest.fixture
def provider() -> Iterator[tuple[Provider, str]]:
    state = Provider()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.fetches += 1
            body = json.dumps({"keys": state.keys}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}/certs"
    server.shutdown()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _verifier(url: str, clock: Clock) -> OidcVerifier:
    return OidcVerifier(
        Oidc(ISSUER, ("evcat",), jwks_url=url, name_claim="preferred_username"), clock
    )


def _verify(verifier: OidcVerifier, jwt_token: str) -> str:
    if verifier.keys.stale(verifier.kid_of(jwt_token)):
        verifier.keys.refresh()
    return verifier.verify(jwt_token).principal.name


def test_keys_are_fetched_once_and_cached(provider: tuple[Provider, str]) -> None:
    state, url = provider
    verifier = _verifier(url, Clock())
    assert [_verify(verifier, token()) for _ in range(3)] == ["alice"] * 3
    assert state.fetches == 1


def test_an_unknown_key_id_fetches_the_keys_again(provider: tuple[Provider, str]) -> None:
    state, url = provider
    clock = Clock()
    verifier = _verifier(url, clock)
    _verify(verifier, token())
    state.keys.append(_jwk(OTHER_KEY, "rsa-2"))
    clock.now += REFETCH_SECONDS + 1
    assert _verify(verifier, token(key=OTHER_KEY, kid="rsa-2")) == "alice"
    assert state.fetches == 2


def test_unknown_key_ids_cannot_make_it_fetch_in_a_loop(provider: tuple[Provider, str]) -> None:
    state, url = provider
    clock = Clock()
    verifier = _verifier(url, clock)
    _verify(verifier, token())
    clock.now += 1
    for kid in ("x1", "x2", "x3"):
        with pytest.raises(TokenRejected):
            _verify(verifier, token(kid=kid))
    assert state.fetches == 1


def test_groups_may_come_from_a_nested_claim(provider: tuple[Provider, str]) -> None:
    _, url = provider
    oidc = Oidc(ISSUER, ("evcat",), jwks_url=url, groups_claim="realm_access.roles")
    verifier = OidcVerifier(oidc, Clock())
    verifier.keys.refresh()
    verified = verifier.verify(token(realm_access={"roles": ["platform", "dpo"]}))
    assert verified.principal.groups == {"platform", "dpo"}
