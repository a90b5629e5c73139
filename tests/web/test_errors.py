"""What the website answers for what it cannot show: HTML error pages, never JSON or a 500."""

from __future__ import annotations

import httpx

from tests.web.pagetext import links, text


def test_unknown_event_is_a_404_page_with_a_link_home(web: httpx.Client) -> None:
    response = web.get("/catalog/events/com.acme.NoSuchEvent")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Event 'com.acme.NoSuchEvent' not found" in text(response.text)
    assert "/catalog/" in links(response.text)


def test_unknown_resources_of_every_kind_are_404_pages(web: httpx.Client) -> None:
    for kind in ("services", "domains", "teams", "channels", "stores", "recipients", "subjects"):
        response = web.get(f"/catalog/{kind}/nothing-here")
        assert response.status_code == 404, kind
        assert response.headers["content-type"].startswith("text/html"), kind


def test_unknown_catalog_path_is_a_404_page(web: httpx.Client) -> None:
    response = web.get("/catalog/no/such/page")
    assert response.status_code == 404
    assert "There is no catalog page at /catalog/no/such/page" in text(response.text)


def test_version_the_event_lacks_is_a_404_page(web: httpx.Client) -> None:
    response = web.get("/catalog/events/shop.OrderPlaced", params={"version": 9})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


def test_version_that_is_not_a_number_is_a_400_page(web: httpx.Client) -> None:
    response = web.get("/catalog/events/shop.OrderPlaced", params={"version": "two"})
    assert response.status_code == 400
    assert "version must be a version number, not 'two'" in text(response.text)


def test_diff_without_two_versions_is_a_400_page(web: httpx.Client) -> None:
    response = web.get("/catalog/events/shop.OrderPlaced/diff", params={"from": 1})
    assert response.status_code == 400
    assert "Choose two versions to compare" in text(response.text)
