"""The catalog website over real HTTP, on the demo catalog: what each page shows."""

from __future__ import annotations

import httpx

from tests.web.pagetext import links, text


def page(web: httpx.Client, path: str) -> str:
    response = web.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return text(response.text)


def test_confluent_root_still_answers_an_empty_object(web: httpx.Client) -> None:
    response = web.get("/")
    assert response.status_code == 200
    assert response.json() == {}


def test_home_counts_the_demo_catalog(web: httpx.Client) -> None:
    shown = page(web, "/catalog/")
    assert "17 events" in shown
    assert "8 services" in shown
    assert "8 domains" in shown


def test_home_lists_domains_with_their_events(web: httpx.Client) -> None:
    html = web.get("/catalog/").text
    shown = text(html)
    assert shown.index("Ordering") < shown.index("Order placed") < shown.index("Payments")
    assert "/catalog/domains/ordering" in links(html)
    assert "/catalog/events/shop.OrderPlaced" in links(html)


def test_search_finds_events_services_and_subjects(web: httpx.Client) -> None:
    found = links(web.get("/catalog/", params={"q": "billing"}).text)
    assert "/catalog/services/billing-service" in found
    assert "/catalog/events/com.acme.billing.InvoiceIssued" in found
    assert "/catalog/subjects/billing.invoices-value" in found
    assert "/catalog/events/shop.OrderPlaced" not in found


def test_search_matches_descriptions_case_insensitively(web: httpx.Client) -> None:
    shown = page(web, "/catalog/?q=PRESCRIPTION")
    assert "Prescription filled" in shown


def test_search_without_matches_says_so(web: httpx.Client) -> None:
    shown = page(web, "/catalog/?q=no-such-thing-anywhere")
    assert "0 matches" in shown
    assert "No event matches" in shown


def test_event_page_shows_its_owner_and_where_ownership_comes_from(web: httpx.Client) -> None:
    shown = page(web, "/catalog/events/shop.OrderPlaced")
    assert "Owner Orders · orders@acme.example · #team-orders (declared)" in shown


def test_event_page_shows_domain_and_versions(web: httpx.Client) -> None:
    html = web.get("/catalog/events/shop.OrderPlaced").text
    assert "/catalog/domains/ordering" in links(html)
    assert "/catalog/events/shop.OrderPlaced?version=1" in links(html)
    assert 'aria-current="page" href="/catalog/events/shop.OrderPlaced?version=2"' in html


def test_event_page_lists_fields_with_types_and_personal_data(web: httpx.Client) -> None:
    shown = page(web, "/catalog/events/shop.OrderPlaced")
    assert "Fields of version 2" in shown
    assert "customer_email string required email-address direct identifier, plain PII" in shown
    assert "currency string" in shown


def test_event_page_shows_the_fields_of_the_version_asked_for(web: httpx.Client) -> None:
    shown = page(web, "/catalog/events/shop.OrderPlaced?version=1")
    assert "Fields of version 1" in shown
    assert "currency string" not in shown


def test_event_page_lists_producers_and_consumers_with_channels(web: httpx.Client) -> None:
    html = web.get("/catalog/events/shop.OrderPlaced").text
    found = links(html)
    assert "/catalog/services/order-service" in found
    assert "/catalog/services/billing-service" in found
    assert "/catalog/channels/shop.orders" in found
    assert "invoicing legal-obligation" in text(html)


def test_event_page_shows_the_schema_text(web: httpx.Client) -> None:
    shown = page(web, "/catalog/events/shop.OrderPlaced")
    assert '"name": "OrderPlaced"' in shown
    assert '"namespace": "shop"' in shown


def test_event_found_by_the_last_segment_of_its_name(web: httpx.Client) -> None:
    shown = page(web, "/catalog/events/OrderPlaced")
    assert "shop.OrderPlaced" in shown


def test_event_page_links_the_diff_between_versions(web: httpx.Client) -> None:
    found = links(web.get("/catalog/events/shop.OrderPlaced").text)
    assert "/catalog/events/shop.OrderPlaced/diff?from=1&to=2" in found


def test_diff_page_shows_the_added_field_and_text_changes(web: httpx.Client) -> None:
    shown = page(web, "/catalog/events/shop.OrderPlaced/diff?from=1&to=2")
    assert "added currency — string" in shown
    assert '+ "name": "currency",' in shown


def test_service_page_shows_what_it_produces_and_consumes(web: httpx.Client) -> None:
    html = web.get("/catalog/services/billing-service").text
    shown = text(html)
    assert "Payments & Billing" in shown
    assert "/catalog/events/com.acme.billing.InvoiceIssued" in links(html)
    assert "/catalog/events/shop.OrderPlaced" in links(html)
    assert "copy" in shown


def test_domain_page_lists_its_services_and_events(web: httpx.Client) -> None:
    html = web.get("/catalog/domains/ordering").text
    assert "/catalog/services/order-service" in links(html)
    assert "/catalog/domains/commerce" in links(html)
    assert "/catalog/events/shop.OrderPlaced" in links(html)


def test_team_page_lists_people_and_what_it_owns(web: httpx.Client) -> None:
    html = web.get("/catalog/teams/orders-team").text
    assert "Farid Haddad" in text(html)
    assert "/catalog/channels/shop.orders" in links(html)


def test_channel_page_shows_retention_producers_and_consumers(web: httpx.Client) -> None:
    html = web.get("/catalog/channels/shop.orders").text
    shown = text(html)
    assert "Retention P7D" in shown
    assert "/catalog/services/order-service" in links(html)
    assert "/catalog/services/shipping-service" in links(html)


def test_store_page_lists_the_consumers_that_write_to_it(web: httpx.Client) -> None:
    found = links(web.get("/catalog/stores/warehouse").text)
    assert "/catalog/services/analytics-service" in found


def test_recipient_page_lists_what_is_disclosed_to_it(web: httpx.Client) -> None:
    html = web.get("/catalog/recipients/ad-partner").text
    assert "External recipient" in text(html)
    assert "/catalog/events/shop.OrderPlaced" in links(html)


def test_subject_page_shows_versions_ids_level_and_schemas(web: httpx.Client) -> None:
    html = web.get("/catalog/subjects/shop.orders-value").text
    shown = text(html)
    assert "Compatibility level BACKWARD" in shown
    assert "Version 2 schema id 2" in shown
    assert "Version 1 schema id 1" in shown
    assert "/catalog/events/shop.OrderPlaced" in links(html)


def test_lineage_shows_flows_with_personal_data_categories(web: httpx.Client) -> None:
    shown = page(web, "/catalog/lineage")
    expected = (
        "order-service → shop.orders shop.OrderPlaced → analytics-service email-address "
        "→ warehouse → ad-partner external advertising-measurement (consent)"
    )
    assert expected in shown


def test_stylesheet_is_served_from_the_package(web: httpx.Client) -> None:
    response = web.get("/catalog/static/style.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
