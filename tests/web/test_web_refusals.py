"""Addresses the website cannot use, found by fuzzing: HTML 400 pages, never a 500 (the NUL
character failed the page's query on PostgreSQL). Over real HTTP on both backends."""

from __future__ import annotations

import httpx

from tests.web.pagetext import text


def test_nul_character_in_a_page_address_is_a_400_page(client: httpx.Client) -> None:
    for path in ("/catalog/events/a%00b", "/catalog/services/%00", "/catalog/?q=%00"):
        answer = client.get(path)
        assert answer.status_code == 400, path
        assert answer.headers["content-type"].startswith("text/html")
        assert "holds a NUL (%00) character" in text(answer.text)


def test_version_in_other_digits_than_ascii_is_a_400_page(client: httpx.Client) -> None:
    for version in ("²", "\uff11"):  # superscript two, fullwidth one
        answer = client.get("/catalog/events/shop.OrderPlaced", params={"version": version})
        assert answer.status_code == 400, version
        assert f"version must be a version number, not '{version}'" in text(answer.text)
