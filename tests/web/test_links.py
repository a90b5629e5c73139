"""Every link of the website leads to a page: a crawl from the home page over real HTTP."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import httpx

from tests.web.pagetext import links


def test_every_catalog_link_reachable_from_home_answers_200(web: httpx.Client) -> None:
    seen: set[str] = set()
    queue = ["/catalog/"]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        response = web.get(path)
        assert response.status_code == 200, path
        for href in links(response.text):
            target = urljoin(path, href)
            if urlsplit(target).path.startswith("/catalog/") and not href.startswith("mailto:"):
                queue.append(target)
    # Every event, every version, every diff, every resource and subject page was reached.
    assert len(seen) > 90
