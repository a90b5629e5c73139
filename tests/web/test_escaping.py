"""Whatever users register or declare is shown as text, never run as HTML."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import orjson

from tests.web.pagetext import links, text

HOSTILE = "<script>alert(1)</script>"
SCHEMA = orjson.dumps(
    {"type": "record", "name": "Probe", "fields": [{"name": "id", "type": "string"}]}
).decode()


def test_hostile_subject_is_escaped_on_home_and_subject_pages(own_web: httpx.Client) -> None:
    subject = f"{HOSTILE}-value"
    registered = own_web.post(
        f"/subjects/{quote(subject, safe='')}/versions", json={"schema": SCHEMA}
    )
    assert registered.status_code == 200, registered.text
    home = own_web.get("/catalog/").text
    assert HOSTILE not in home
    assert "&lt;script&gt;alert(1)&lt;/script&gt;-value" in home
    href = f"/catalog/subjects/{quote(subject, safe='')}"
    assert href in links(home)
    page = own_web.get(href)
    assert page.status_code == 200
    assert HOSTILE not in page.text
    assert f"{HOSTILE}-value" in text(page.text)


def test_hostile_description_is_escaped(own_web: httpx.Client) -> None:
    document = {
        "kind": "Domain",
        "id": "probe",
        "name": '<img src=x onerror="alert(2)">',
        "description": HOSTILE,
    }
    applied = own_web.post(
        "/v1/catalog/apply",
        content=orjson.dumps(document),
        headers={"content-type": "application/json"},
    )
    assert applied.status_code == 200, applied.text
    for path in ("/catalog/", "/catalog/domains/probe"):
        html = own_web.get(path).text
        assert HOSTILE not in html
        assert "<img src=x" not in html
        assert HOSTILE in text(html)


def test_subject_holding_a_slash_has_its_page(own_web: httpx.Client) -> None:
    subject = "acme/orders/probe.avsc"
    registered = own_web.post(
        f"/subjects/{quote(subject, safe='')}/versions", json={"schema": SCHEMA}
    )
    assert registered.status_code == 200, registered.text
    response = own_web.get(f"/catalog/subjects/{quote(subject, safe='')}")
    assert response.status_code == 200
    assert "acme/orders/probe.avsc" in text(response.text)


def test_hostile_upcaster_document_is_escaped_on_the_event_page(own_web: httpx.Client) -> None:
    # No "/" in the subject: the /v1 upcaster routes cannot address such a subject.
    subject = "<svg onload=alert(5)>-value"
    quoted = quote(subject, safe="")
    config = own_web.put(f"/config/{quoted}", json={"compatibility": "NONE"})
    assert config.status_code == 200, config.text
    for extra in ("name", "full_name"):
        schema = orjson.dumps(
            {
                "type": "record",
                "name": "Hostile",
                "namespace": "probe",
                "fields": [{"name": "id", "type": "string"}, {"name": extra, "type": "string"}],
            }
        ).decode()
        registered = own_web.post(f"/subjects/{quoted}/versions", json={"schema": schema})
        assert registered.status_code == 200, registered.text
    document = {
        "description": HOSTILE,
        "ops": [
            {"rename": {"from": "name", "to": "full_name"}},
            {"set": {"path": "id", "value": '"><img src=x onerror="alert(4)">'}},
        ],
    }
    added = own_web.post(f"/v1/events/{quoted}/versions/2/upcasters", json=document)
    assert added.status_code == 201, added.text
    html = own_web.get("/catalog/events/probe.Hostile").text
    assert HOSTILE not in html
    assert "<img src=x" not in html
    assert "<svg" not in html
    shown = text(html)
    assert f"Subject {subject}" in shown
    assert 'set(path=id, value="><img src=x onerror="alert(4)">)' in shown
    assert f'"description": "{HOSTILE}"' in shown
