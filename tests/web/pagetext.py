"""Reading pages as a person would: visible text, links, and headings."""

from __future__ import annotations

from html.parser import HTMLParser


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.text: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)


def links(html: str) -> list[str]:
    """Every ``<a href>`` of the page, in order."""
    reader = _Reader()
    reader.feed(html)
    return reader.links


def text(html: str) -> str:
    """The page's text with whitespace collapsed, as a reader sees it."""
    reader = _Reader()
    reader.feed(html)
    return " ".join(" ".join(reader.text).split())
