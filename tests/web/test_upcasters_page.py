"""The event page's "Reading old versions" section, over real HTTP: routes, stored upcasters
with their reports, lineage problems and the upcast policy of each backing subject."""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from tests.web.pagetext import text

SUBJECT = "probe-value"
EVENT_PAGE = "/catalog/events/probe.Person"


def reading(html: str) -> str:
    """The text of the section, from its heading to the next section's."""
    shown = text(html)
    start = shown.index("Reading old versions")
    return shown[start : shown.index("Producers and consumers", start)]


def page(client: httpx.Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return response.text


def person(*fields: dict[str, Any]) -> str:
    return orjson.dumps(
        {"type": "record", "name": "Person", "namespace": "probe", "fields": list(fields)}
    ).decode()


ID = {"name": "id", "type": "string"}
NAME = {"name": "name", "type": "string"}
FULL_NAME = {"name": "full_name", "type": "string"}


def register_rename(client: httpx.Client) -> None:
    """v1 has ``name``, v2 ``full_name`` without default: no implicit edge, a GAP."""
    config = client.put(f"/config/{SUBJECT}", json={"compatibility": "NONE"})
    assert config.status_code == 200, config.text
    for schema in (person(ID, NAME), person(ID, FULL_NAME)):
        registered = client.post(f"/subjects/{SUBJECT}/versions", json={"schema": schema})
        assert registered.status_code == 200, registered.text


def add_upcaster(client: httpx.Client, document: dict[str, Any]) -> dict[str, Any]:
    added = client.post(f"/v1/events/{SUBJECT}/versions/2/upcasters", json=document)
    assert added.status_code == 201, added.text
    answer: dict[str, Any] = added.json()
    return answer


def test_demo_orders_page_shows_the_implicit_edge_from_version_1(web: httpx.Client) -> None:
    shown = reading(page(web, "/catalog/events/shop.OrderPlaced"))
    assert "Subject shop.orders-value" in shown
    assert (
        "version 1 implicit: the format's own resolution version 1 → version 2 "
        "resolution shop.orders-value@1->2 (sha256:"
    ) in shown
    assert "set_default currency" in shown
    assert "Stored upcasters None: every edge above is implicit." in shown


def test_latest_version_is_shown_as_already_the_latest(web: httpx.Client) -> None:
    shown = reading(page(web, "/catalog/events/shop.OrderPlaced"))
    assert "version 2 Already the latest: read as stored." in shown
    single = reading(page(web, "/catalog/events/com.acme.billing.InvoiceIssued"))
    assert "version 1 Already the latest: read as stored." in single


def test_section_has_headings_with_ids_and_links_from_versions(web: httpx.Client) -> None:
    html = page(web, "/catalog/events/shop.OrderPlaced")
    assert '<h2 id="reading-h">Reading old versions</h2>' in html
    assert '<h3 id="reading-1-h">' in html
    assert '<h4 id="reading-1-routes-h">How each version is read</h4>' in html
    assert '<h4 id="reading-1-upcasters-h">Stored upcasters</h4>' in html
    assert '<a href="#reading-h">How old versions are read</a>' in html


def test_upcast_policy_is_none_until_one_is_set(own_web: httpx.Client) -> None:
    path = "/catalog/events/shop.OrderPlaced"
    assert "Upcast policy none" in reading(page(own_web, path))
    put = own_web.put(
        "/v1/events/shop.orders-value/upcast-policy", json={"policy": "BACKWARD_OR_UPCASTABLE"}
    )
    assert put.status_code == 200, put.text
    assert "Upcast policy BACKWARD_OR_UPCASTABLE" in reading(page(own_web, path))


def test_gap_is_shown_as_a_problem_with_what_to_do(own_web: httpx.Client) -> None:
    register_rename(own_web)
    html = page(own_web, EVENT_PAGE)
    shown = reading(html)
    assert "Problem Old versions of this subject cannot be read" in shown
    assert "GAP ( probe-value versions 1 → 2) : probe-value v1 cannot reach" in shown
    assert "register an upcaster from v1" in shown
    assert "How each version is read" not in shown
    assert '<h4 id="reading-1-problems-h">' in html


def test_declarative_upcaster_is_shown_with_its_ops_and_report(own_web: httpx.Client) -> None:
    register_rename(own_web)
    added = add_upcaster(own_web, {"ops": [{"rename": {"from": "name", "to": "full_name"}}]})
    shown = reading(page(own_web, EVENT_PAGE))
    assert "Problem" not in shown
    short = added["fingerprint"][:19]
    assert (
        "version 1 declarative upcaster version 1 → version 2 "
        f"declarative probe-value@1->2 ({short}) rename(from=name, to=full_name)"
    ) in shown
    assert "version 2 Already the latest" in shown
    samples = added["report"]["sample_count"]
    assert (
        f"Stored upcasters declarative upcaster version 1 → version 2 · fingerprint {short} "
        f"Validation: passed on {samples} samples (seed 0), 0 failures."
    ) in shown
    assert "Coverage per target field Target field Share id 100% full_name 100%" in shown


def test_hostile_upcaster_description_is_shown_as_text(own_web: httpx.Client) -> None:
    register_rename(own_web)
    hostile = '<img src=x onerror="alert(3)">'
    add_upcaster(
        own_web,
        {"description": hostile, "ops": [{"rename": {"from": "name", "to": "full_name"}}]},
    )
    html = page(own_web, EVENT_PAGE)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&#34;alert(3)&#34;&gt;" in html
    assert hostile in reading(html)
