"""Several processes and many threads registering at once keep one unbroken chain."""

from __future__ import annotations

import httpx
import orjson
from sqlalchemy import create_engine

from evcat.audit.query import every_entry
from evcat.audit.verify import verify
from evcat.migrations import upgrade
from tests.registry.processes import ServerProcess
from tests.registry.test_concurrency import registration_burst


def test_three_processes_and_twenty_clients_leave_one_record_per_new_version(
    db_url: str,
) -> None:
    upgrade(db_url)
    servers = [ServerProcess(db_url).start() for _ in range(3)]
    try:
        results = registration_burst([s.url for s in servers], clients=20, per_client=8)
        with httpx.Client(base_url=servers[0].url, timeout=30) as http:
            versions = http.get("/schemas", params={"deleted": "true"}).json()
    finally:
        for server in servers:
            server.stop()
    assert {r["status"] for r in results} == {200}, [r for r in results if r["status"] != 200]

    engine = create_engine(db_url)
    entries = list(every_entry(engine))
    engine.dispose()

    assert verify(entries).intact
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    registered = sorted(
        (e.resource, orjson.loads(e.after)["version"])
        for e in entries
        if e.action == "schema.register"
    )
    assert registered == sorted((f"subject:{v['subject']}", v["version"]) for v in versions)
