"""Slow and idle clients cannot pin the server: a request head or body trickling in a byte
at a time, or a connection that never sends anything, is cut off after its deadline, and
the server keeps answering others. The server runs with ``evcat serve``'s uvicorn options."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from evcat.app import create_app
from evcat.serving import HeadTimeoutH11, uvicorn_options
from evcat.settings import Settings
from tests.conftest import free_port


class FastHeadTimeout(HeadTimeoutH11):
    header_read_timeout = 1.0


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'evcat.db'}", body_read_timeout=1.0)
    port = free_port()
    options = uvicorn_options(settings) | {"http": FastHeadTimeout}
    config = uvicorn.Config(
        create_app(settings, migrate=True),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        **options,
    )
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not uv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    yield "127.0.0.1", port
    uv.should_exit = True
    thread.join(10)


def trickle(address: tuple[str, int], head: bytes, rest: bytes) -> tuple[bytes, float]:
    """Send ``head`` at once, then ``rest`` a byte every 0.2 s; what came back and when."""
    started = time.monotonic()
    with socket.create_connection(address, timeout=10) as sock:
        sock.sendall(head)
        received = b""
        for byte in rest:
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break
            sock.settimeout(0.2)
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            if not chunk:
                break
            received += chunk
        return received, time.monotonic() - started


def answers(address: tuple[str, int]) -> None:
    host, port = address
    assert httpx.get(f"http://{host}:{port}/subjects", timeout=5).status_code == 200


def test_a_body_sent_a_byte_at_a_time_gets_408(server: tuple[str, int]) -> None:
    body = b'{"schema": "' + b"x" * 200 + b'"}'
    head = (
        b"POST /subjects/slow-value/versions HTTP/1.1\r\nHost: x\r\n"
        + b"Content-Type: application/json\r\n"
        + b"Content-Length: %d\r\n\r\n" % len(body)
    )
    received, elapsed = trickle(server, head, body)
    assert received.startswith(b"HTTP/1.1 408"), received
    assert b"EVCAT_BODY_READ_TIMEOUT" in received
    assert elapsed < 5
    answers(server)


def test_a_head_sent_a_byte_at_a_time_is_cut_off(server: tuple[str, int]) -> None:
    head = b"GET /subjects HTTP/1.1\r\n" + b"X-Slow: " + b"a" * 200 + b"\r\n\r\n"
    received, elapsed = trickle(server, b"", head)
    assert not received.startswith(b"HTTP/1.1 200")
    assert elapsed < 5
    answers(server)


def test_an_idle_connection_is_closed(server: tuple[str, int]) -> None:
    with socket.create_connection(server, timeout=5) as sock:
        started = time.monotonic()
        assert sock.recv(1) == b""  # closed by the server, not by our timeout
        assert time.monotonic() - started < 4
    answers(server)
