"""Structural lineage: who produces, carries, consumes, stores, discloses and derives what.

The graph's nodes are ``service:``, ``event:``, ``channel:``, ``store:`` and ``recipient:``
ids. Data flows along its edges: a producer sends an event on a channel, a consumer receives
it, a consumer writes to stores and discloses to recipients, and a derivation turns consumed
fields into produced ones. ``around`` walks the graph from one node, downstream, upstream or
both, for a number of hops; field-level propagation of personal data builds on the same rows.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any, Literal

from sqlmodel import Session

from evcat.catalog import queries

Direction = Literal["downstream", "upstream", "both"]


@dataclass(frozen=True, order=True)
class Link:
    source: str
    target: str
    kind: str
    via: str = ""
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        data = {"from": self.source, "to": self.target, "kind": self.kind}
        if self.via:
            data["via"] = self.via
        if self.detail:
            data["detail"] = self.detail
        return data


def links(session: Session) -> list[Link]:
    """Every data-flow link of the catalog."""
    found: set[Link] = set()
    for edge in queries.edges(session):
        service = f"service:{edge['service']}"
        event = f"event:{edge['event']}"
        channel = edge["channel"] or ""
        if edge["role"] == "produces":
            found.add(Link(service, event, "produces", channel))
            if channel:
                found.add(Link(event, f"channel:{channel}", "carried-by"))
            continue
        fields = ",".join(edge["fields"])
        found.add(Link(event, service, "consumed-by", channel, fields))
        found.update(Link(service, f"store:{s}", "writes") for s in edge["stores"])
        found.update(Link(service, f"recipient:{r}", "discloses") for r in edge["recipients"])
    for row in queries.derivations(session):
        for source in row["from"]:
            found.add(
                Link(
                    f"event:{source['event']}",
                    f"event:{row['event']}",
                    "derives",
                    f"service:{row['service']}",
                    f"{source['field']} -{row['transformation']}-> {row['field']}",
                )
            )
    return sorted(found)


def around(all_links: list[Link], start: str, depth: int, direction: Direction) -> dict[str, Any]:
    """The nodes and links within ``depth`` hops of ``start``."""
    outgoing: dict[str, list[Link]] = {}
    incoming: dict[str, list[Link]] = {}
    for link in all_links:
        outgoing.setdefault(link.source, []).append(link)
        incoming.setdefault(link.target, []).append(link)
    seen = {start: 0}
    chosen: set[Link] = set()
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if seen[node] >= depth:
            continue
        steps: list[tuple[Link, str]] = []
        if direction in ("downstream", "both"):
            steps += [(link, link.target) for link in outgoing.get(node, [])]
        if direction in ("upstream", "both"):
            steps += [(link, link.source) for link in incoming.get(node, [])]
        for link, neighbour in steps:
            chosen.add(link)
            if neighbour not in seen:
                seen[neighbour] = seen[node] + 1
                queue.append(neighbour)
    nodes = [
        {"id": node, "kind": node.split(":", 1)[0], "hops": hops}
        for node, hops in sorted(seen.items(), key=lambda item: (item[1], item[0]))
    ]
    return {
        "start": start,
        "depth": depth,
        "direction": direction,
        "nodes": nodes,
        "links": [link.as_dict() for link in sorted(chosen)],
    }
