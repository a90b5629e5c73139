"""The catalog at scale: ``evcat apply`` of 10,000 events and 1,000 services, then event views.

Targets (issue 7): the apply under 30 s, and an event's API view (owner, versions, producers,
consumers, channels, derivations) under 20 ms p95, both on SQLite.

Setup, not measured: 10,000 Avro schemas are registered through ``Registry.register`` (one
subject per event), and the catalog is written as one YAML file per resource, as
``evcat export catalog`` lays it out. The apply is measured as a user runs it: ``evcat apply``
in a fresh process (interpreter start, migrations check, parsing 14,000 files, validating every
reference and field against the registry, one transaction). The view is measured over real HTTP
against ``evcat.app`` under uvicorn (one worker), sequentially from one keep-alive client.

Run alone: ``python -m bench.catalog_apply`` (add ``--quick`` for a 1/10 catalog).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.options import Options
from bench.report import Result, ms, percentile, say, summarize
from bench.server import EVCAT_APP, BenchError, Pinning, Server
from evcat.catalog.yamlio import dump_yaml
from evcat.db import make_engine
from evcat.migrations import upgrade
from evcat.registry.entities import SchemaRequest
from evcat.registry.service import Registry
from evcat.settings import Settings

EVENTS = 10_000
SERVICES = 1_000
APPLY_TARGET_S = 30.0
VIEW_TARGET_S = 0.020
VIEW_SAMPLES = 500
EVCAT = Path(sys.executable).parent / "evcat"


def event_name(number: int) -> str:
    return f"com.bench.d{number % 100:02d}.Event{number:05d}"


def _schema(number: int) -> str:
    namespace, _, name = event_name(number).rpartition(".")
    fields = [
        {"name": "id", "type": "string"},
        {"name": "customer_id", "type": "string"},
        {"name": "email", "type": "string"},
        {"name": "amount", "type": "long"},
        {"name": "note", "type": ["null", "string"], "default": None},
        {
            "name": "address",
            "type": {
                "type": "record",
                "name": f"Address{number:05d}",
                "fields": [{"name": "city", "type": "string"}],
            },
        },
    ]
    return json.dumps({"type": "record", "name": name, "namespace": namespace, "fields": fields})


def register_schemas(registry: Registry, events: int) -> None:
    for number in range(events):
        subject = f"{event_name(number)}-value"
        registry.register(subject, SchemaRequest(schema=_schema(number)))


def documents(events: int, services: int) -> list[dict[str, Any]]:
    """A synthetic catalog: every service produces 10 events and consumes 10 of others."""
    per_service = events // services
    rng = random.Random(7)
    docs: list[dict[str, Any]] = []
    teams = max(1, services // 10)
    for team in range(teams):
        members = [{"id": f"p{team:03d}-{m}", "name": f"Person {team}-{m}"} for m in range(2)]
        docs.append(
            {
                "kind": "Team",
                "id": f"team-{team:03d}",
                "email": f"t{team}@x.example",
                "members": members,
            }
        )
    for domain in range(100):
        docs.append({"kind": "Domain", "id": f"domain-{domain:02d}", "owner": "team-000"})
    for store in range(50):
        docs.append(
            {"kind": "Store", "id": f"store-{store:02d}", "owner": "team-000", "retention": "P365D"}
        )
    for channel in range(events // 5):
        docs.append(
            {
                "kind": "Channel",
                "id": f"topic-{channel:05d}",
                "retention": "P7D",
                "cleanup_policy": "delete",
                "owner": f"team-{channel % teams:03d}",
            }
        )
    for number in range(events):
        docs.append(
            {
                "kind": "Event",
                "id": event_name(number),
                "domain": f"domain-{number % 100:02d}",
                "owner": f"team-{(number // per_service) % teams:03d}",
                "fields": [{"path": "email", "categories": ["email-address"]}],
            }
        )
    for service in range(services):
        own = range(service * per_service, (service + 1) * per_service)
        others = [n for n in rng.sample(range(events), per_service + 5) if n not in own][
            :per_service
        ]
        docs.append(
            {
                "kind": "Service",
                "id": f"service-{service:04d}",
                "domain": f"domain-{service % 100:02d}",
                "owner": f"team-{service % teams:03d}",
                "produces": [
                    {"event": event_name(n), "channel": f"topic-{n // 5:05d}"} for n in own
                ],
                "consumes": [
                    {
                        "event": event_name(n),
                        "channel": f"topic-{n // 5:05d}",
                        "fields": ["customer_id", "email", "address.city"],
                        "purpose": "analytics",
                        "legal_basis": "legitimate-interests",
                        "stores": [f"store-{n % 50:02d}"],
                    }
                    for n in others
                ],
                "derivations": [
                    {
                        "event": event_name(own[i]),
                        "field": "email",
                        "transformation": "hash",
                        "from": [{"event": event_name(others[i]), "field": "email"}],
                    }
                    for i in range(min(5, len(others)))
                ],
            }
        )
    return [{"apiVersion": "evcat/v1", **d} for d in docs]


def write_files(docs: list[dict[str, Any]], folder: Path) -> int:
    plurals = {
        "Team": "teams",
        "Domain": "domains",
        "Store": "stores",
        "Channel": "channels",
        "Event": "events",
        "Service": "services",
    }
    for document in docs:
        target = folder / plurals[document["kind"]]
        target.mkdir(parents=True, exist_ok=True)
        (target / f"{document['id']}.yaml").write_text(dump_yaml(document))
    return len(docs)


def _apply(url: str, folder: Path) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [str(EVCAT), "apply", str(folder), "--db", url], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"evcat apply failed: {done.stderr[-2000:]}")
    return seconds, done.stdout.strip().splitlines()[-1]


def _views(url: str, events: int, workdir: Path, pinning: Pinning) -> list[float]:
    """Sequential event views over real HTTP from one keep-alive client, after a warm-up."""
    rng = random.Random(11)
    log = workdir / "evcat.log"
    with Server(EVCAT_APP, {"EVCAT_DB_URL": url}, log, pinning) as server:
        server.wait_for("/v1/events?limit=1")
        with httpx.Client(base_url=server.base_url, timeout=30) as client:
            for number in rng.sample(range(events), 50):
                client.get(f"/v1/events/{event_name(number)}")
            samples = []
            for number in rng.sample(range(events), min(VIEW_SAMPLES, events)):
                started = time.perf_counter()
                answer = client.get(f"/v1/events/{event_name(number)}")
                samples.append(time.perf_counter() - started)
                if answer.status_code != 200 or not answer.json()["producers"]:
                    raise BenchError(f"unexpected event view: {answer.text[:500]}")
    return samples


def run(
    options: Options | None = None, *, events: int = EVENTS, services: int = SERVICES
) -> list[Result]:
    pinning = options.pinning if options is not None else Pinning()
    with tempfile.TemporaryDirectory(prefix="evcat-catalog-bench-") as tmp:
        root = Path(tmp)
        url = f"sqlite:///{root / 'evcat.db'}"
        upgrade(url)
        registry = Registry(make_engine(url), Settings(db_url=url))
        started = time.perf_counter()
        register_schemas(registry, events)
        say(f"  registered {events} schemas in {time.perf_counter() - started:.0f} s (setup)")
        count = write_files(documents(events, services), root / "catalog")
        say(f"  wrote {count} catalog files (setup)")
        first, summary = _apply(url, root / "catalog")
        say(f"  evcat apply: {first:.1f} s ({summary})")
        again, summary = _apply(url, root / "catalog")
        say(f"  evcat apply, unchanged: {again:.1f} s ({summary})")
        samples = _views(url, events, root, pinning)
        say(f"  GET /v1/events/{{name}}: {summarize(samples)}")
    scale = f"{events} events, {services} services"
    p95 = percentile(samples, 0.95)
    return [
        Result(
            f"evcat apply, {scale}",
            f"{first:.1f} s",
            f"< {APPLY_TARGET_S:.0f} s",
            first < APPLY_TARGET_S,
        ),
        Result(f"evcat apply again, unchanged, {scale}", f"{again:.1f} s"),
        Result(
            f"GET /v1/events/{{name}} p95, {scale}",
            ms(p95),
            f"< {VIEW_TARGET_S * 1000:.0f} ms",
            p95 < VIEW_TARGET_S,
        ),
    ]


if __name__ == "__main__":
    from bench.report import table

    quick = "--quick" in sys.argv
    rows = run(events=EVENTS // 10, services=SERVICES // 10) if quick else run()
    say(table(rows))
    sys.exit(0 if all(r.passed is not False for r in rows) else 1)
