"""The website in a real browser: Debian's chromium driven by Playwright.

Playwright's own browser download cannot run here, so the tests use ``/usr/bin/chromium``
(``make test`` installs it when it can) and skip, saying why, when it is absent (a failure
under CI: see tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's chromium at /usr/bin/chromium (make test installs it when root)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One chromium for the module: starting it costs seconds, a fresh page costs nothing."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


def test_reader_clicks_from_home_to_an_event_and_sees_its_fields(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}/catalog/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Event catalog")
    page.get_by_role("link", name="Order placed", exact=True).click()
    expect(page).to_have_url(f"{site_url}/catalog/events/shop.OrderPlaced")
    expect(page.get_by_role("heading", level=1)).to_have_text("Order placed")
    expect(page.get_by_role("heading", name="Fields of version 2")).to_be_visible()
    expect(page.get_by_role("rowheader", name="customer_email")).to_be_visible()
    expect(page.get_by_text("email-address").first).to_be_visible()


def test_reader_searches_from_the_header(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}/catalog/")
    page.get_by_role("searchbox").fill("billing")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("billing")
    expect(page.get_by_role("link", name="Billing service")).to_be_visible()


def test_reader_jumps_to_how_old_versions_are_read(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}/catalog/events/shop.OrderPlaced")
    page.get_by_role("link", name="How old versions are read").click()
    expect(page).to_have_url(f"{site_url}/catalog/events/shop.OrderPlaced#reading-h")
    section = page.get_by_role("region", name="Reading old versions")
    expect(section.get_by_role("heading", level=2, name="Reading old versions")).to_be_in_viewport()
    expect(
        section.get_by_role("heading", level=3, name="Subject shop.orders-value")
    ).to_be_visible()
    routes = section.get_by_role("heading", level=4, name="How each version is read")
    expect(routes).to_be_visible()
    expect(section.get_by_role("heading", level=4, name="Stored upcasters")).to_be_visible()
    operations = section.get_by_role("list", name="Operations")
    expect(operations.get_by_role("listitem")).to_have_text("set_default currency")
    expect(page.get_by_role("cell", name="Already the latest: read as stored.")).to_be_visible()
