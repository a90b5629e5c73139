"""``evcat catalog build DIR``: the website as static files whose links all resolve."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from typer.testing import CliRunner

from evcat.cli.main import app
from tests.web.pagetext import links, text


@pytest.fixture(scope="module")
def site(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo catalog built once for this module's tests."""
    tmp_path = tmp_path_factory.mktemp("static")
    database = tmp_path / "evcat.db"
    shutil.copyfile(demo_file, database)
    site = tmp_path / "site"
    result = CliRunner().invoke(
        app, ["catalog", "build", str(site), "--db", f"sqlite:///{database}"]
    )
    assert result.exit_code == 0, result.output
    assert f"files under {site}" in result.stdout
    return site


def test_static_site_holds_every_page_and_relative_links_that_resolve(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 90
    for page in pages:
        for href in links(page.read_text(encoding="utf-8")):
            if href.startswith(("mailto:", "#")):
                continue
            assert not urlsplit(href).scheme and not href.startswith("/"), (page, href)
            target = (page.parent / unquote(urlsplit(href).path)).resolve()
            assert target.is_file(), (page, href)


def test_static_event_page_shows_the_same_content_as_the_live_one(site: Path) -> None:
    shown = text((site / "events" / "shop.OrderPlaced.html").read_text(encoding="utf-8"))
    assert "Owner Orders · orders@acme.example · #team-orders (declared)" in shown
    assert "Fields of version 2" in shown


def test_static_event_page_shows_how_old_versions_are_read(site: Path) -> None:
    for name in ("shop.OrderPlaced.html", "shop.OrderPlaced.v1.html"):
        shown = text((site / "events" / name).read_text(encoding="utf-8"))
        assert "Reading old versions Stored events keep" in shown
        assert "resolution shop.orders-value@1->2 (sha256:" in shown
        assert "set_default currency" in shown
        assert "version 2 Already the latest" in shown


def test_static_site_has_a_page_per_version_and_diff_and_its_stylesheet(site: Path) -> None:
    assert (site / "events" / "shop.OrderPlaced.v1.html").is_file()
    assert (site / "events" / "shop.OrderPlaced.diff-1-2.html").is_file()
    assert (site / "static" / "style.css").is_file()
