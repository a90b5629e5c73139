"""The OpenAPI docs work on a machine without internet access."""

from __future__ import annotations

import re

import httpx


def test_docs_page_loads_swagger_ui_from_the_server_not_a_cdn(client: httpx.Client) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets, page.text
    assert all(asset.startswith("/") for asset in assets), assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_openapi_document_lists_evcat_routes(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/v1/subjects/{subject}/compatibility" in paths
