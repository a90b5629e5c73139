"""Helpers for the hostile-input tests: each sends what an attacker would, over real HTTP or
through the CLI, and then proves the server still answers."""

from __future__ import annotations

import httpx


def still_answers(client: httpx.Client) -> None:
    """A follow-up request succeeds: the hostile one left the server serving."""
    answer = client.get("/subjects", timeout=5)
    assert answer.status_code == 200, answer.text
