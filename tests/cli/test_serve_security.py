"""``evcat serve`` secure by default: loopback only without an auth file, a loud warning when
told otherwise, and TLS with client certificates (mTLS) from a locally generated CA."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.cli.conftest import EVCAT
from tests.cli.helpers import Invoke
from tests.conftest import free_port

START_SECONDS = 30


@pytest.fixture(autouse=True)
def environment_restored() -> Iterator[None]:
    """``evcat serve`` hands its options to uvicorn's workers as EVCAT_* variables of its own
    process; in-process runs must not leak them into the next test."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def test_a_public_host_without_an_auth_file_is_refused(evcat: Invoke, tmp_path: Path) -> None:
    result = evcat("serve", "--host", "0.0.0.0", "--db", f"sqlite:///{tmp_path / 'evcat.db'}")
    assert result.exit_code == 2
    assert "refusing to listen on 0.0.0.0 without sign-in" in result.stderr
    assert "--auth-config" in result.stderr


def test_a_broken_auth_file_stops_serve_before_it_listens(evcat: Invoke, tmp_path: Path) -> None:
    auth = tmp_path / "auth.yaml"
    auth.write_text(yaml.safe_dump({"bindings": [{"users": ["*"], "role": "owner"}]}))
    result = evcat("serve", "--auth-config", auth, "--db", f"sqlite:///{tmp_path / 'evcat.db'}")
    assert result.exit_code == 2
    assert "unknown role 'owner'" in result.stderr


def test_tls_client_cert_required_needs_the_clients_ca(evcat: Invoke, tmp_path: Path) -> None:
    pki = _pki(tmp_path)
    result = evcat(
        "serve",
        "--ssl-certfile",
        pki["server.pem"],
        "--ssl-keyfile",
        pki["server.key"],
        "--ssl-client-cert",
        "required",
    )
    assert result.exit_code == 2
    assert "--ssl-client-cert required needs --ssl-ca-certs" in result.stderr


@contextmanager
def _serving(tmp_path: Path, *args: str | Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("EVCAT_")}
    command = [str(EVCAT), "serve", "--port", str(port), "--db", f"sqlite:///{tmp_path / 'e.db'}"]
    process = subprocess.Popen(
        [*command, *map(str, args)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield process, port
    finally:
        process.terminate()
        process.wait(10)


def _wait(url: str, verify: ssl.SSLContext | bool = True) -> httpx.Response:
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            return httpx.get(url, timeout=5, verify=verify)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_insecure_no_auth_warns_on_stderr_and_in_the_log(tmp_path: Path) -> None:
    with _serving(tmp_path, "--host", "0.0.0.0", "--insecure-no-auth") as (process, port):
        assert _wait(f"http://127.0.0.1:{port}/health/live").status_code == 200
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    warnings = [line for line in stderr.splitlines() if "WITHOUT sign-in" in line]
    assert len(warnings) == 2, stderr
    assert warnings[0].startswith("evcat: warning: serving 0.0.0.0 WITHOUT sign-in")


def _pki(folder: Path) -> dict[str, Path]:
    """A CA, a server certificate for 127.0.0.1 and a client certificate, signed by the CA."""
    now = dt.datetime.now(dt.UTC)

    def key() -> ec.EllipticCurvePrivateKey:
        return ec.generate_private_key(ec.SECP256R1())

    def certificate(
        name: str,
        public: ec.EllipticCurvePublicKey,
        signer: ec.EllipticCurvePrivateKey,
        issuer: x509.Name | None = None,
        *,
        ca: bool = False,
        ip: str | None = None,
    ) -> x509.Certificate:
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer or subject)
            .public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if ip is not None:
            san = x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))])
            builder = builder.add_extension(san, critical=False)
        return builder.sign(signer, hashes.SHA256())

    ca_key, server_key, client_key = key(), key(), key()
    ca = certificate("evcat test CA", ca_key.public_key(), ca_key, ca=True)
    server = certificate("127.0.0.1", server_key.public_key(), ca_key, ca.subject, ip="127.0.0.1")
    client = certificate("ci-bot", client_key.public_key(), ca_key, ca.subject)
    files: dict[str, Path] = {}
    for name, cert, private in (
        ("ca", ca, ca_key),
        ("server", server, server_key),
        ("client", client, client_key),
    ):
        files[f"{name}.pem"] = folder / f"{name}.pem"
        files[f"{name}.pem"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        files[f"{name}.key"] = folder / f"{name}.key"
        files[f"{name}.key"].write_bytes(
            private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return files


@pytest.fixture
def mtls(tmp_path: Path) -> Iterator[tuple[str, dict[str, Path]]]:
    """evcat over HTTPS, admitting only clients with a certificate from the test CA."""
    pki = _pki(tmp_path)
    options = (
        "--ssl-certfile",
        pki["server.pem"],
        "--ssl-keyfile",
        pki["server.key"],
        "--ssl-ca-certs",
        pki["ca.pem"],
        "--ssl-client-cert",
        "required",
    )
    with _serving(tmp_path, *options) as (_, port):
        yield f"https://127.0.0.1:{port}", pki


def _tls(pki: dict[str, Path], *, with_certificate: bool) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(pki["ca.pem"]))
    if with_certificate:
        context.load_cert_chain(str(pki["client.pem"]), str(pki["client.key"]))
    return context


def test_a_client_with_a_certificate_from_the_ca_connects(
    mtls: tuple[str, dict[str, Path]],
) -> None:
    url, pki = mtls
    answer = _wait(f"{url}/schemas/types", _tls(pki, with_certificate=True))
    assert answer.status_code == 200


def test_a_client_without_a_certificate_cannot_connect(mtls: tuple[str, dict[str, Path]]) -> None:
    url, pki = mtls
    _wait(f"{url}/health/live", _tls(pki, with_certificate=True))
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{url}/schemas/types", verify=_tls(pki, with_certificate=False), timeout=5)
