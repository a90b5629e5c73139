"""Many processes, many clients: ids and versions stay unique, gapless and consistent."""

from __future__ import annotations

import json
import random
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import httpx

from evcat.migrations import upgrade
from tests.registry.processes import ServerProcess

SUBJECTS = [f"topic-{n}-value" for n in range(6)]


def schema_text(n: int) -> str:
    # Each new field has a default, so any order of registration stays BACKWARD-compatible.
    fields = [{"name": "id", "type": "string"}] + [
        {"name": f"f{i}", "type": "int", "default": i} for i in range(n)
    ]
    return json.dumps({"type": "record", "name": "Event", "namespace": "load", "fields": fields})


def registration_burst(urls: list[str], clients: int, per_client: int) -> list[dict[str, object]]:
    """Every client registers overlapping schemas under overlapping subjects."""
    results: list[dict[str, object]] = []
    lock = threading.Lock()

    def work(seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(timeout=60) as http:
            for _ in range(per_client):
                subject = rng.choice(SUBJECTS)
                n = rng.randrange(8)
                url = rng.choice(urls)
                answer = http.post(
                    f"{url}/subjects/{subject}/versions", json={"schema": schema_text(n)}
                )
                with lock:
                    results.append(
                        {"status": answer.status_code, "subject": subject, "n": n, **answer.json()}
                    )

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(work, range(clients)))
    return results


def assert_registry_consistent(url: str) -> None:
    with httpx.Client(base_url=url, timeout=30) as http:
        schemas = http.get("/schemas?deleted=true").json()
    content_of_id: dict[int, str] = {}
    id_of_content: dict[str, int] = {}
    versions: defaultdict[str, list[int]] = defaultdict(list)
    for entry in schemas:
        assert content_of_id.setdefault(entry["id"], entry["schema"]) == entry["schema"]
        assert id_of_content.setdefault(entry["schema"], entry["id"]) == entry["id"]
        versions[entry["subject"]].append(entry["version"])
    for subject, numbers in versions.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), subject


def test_four_processes_and_forty_clients_keep_ids_and_versions_consistent(db_url: str) -> None:
    upgrade(db_url)
    servers = [ServerProcess(db_url).start() for _ in range(4)]
    try:
        results = registration_burst([s.url for s in servers], clients=40, per_client=10)
        assert {r["status"] for r in results} == {200}, [r for r in results if r["status"] != 200]
        ids_by_content: defaultdict[int, set[object]] = defaultdict(set)
        for r in results:
            ids_by_content[int(str(r["n"]))].add(r["id"])
        assert all(len(ids) == 1 for ids in ids_by_content.values()), ids_by_content
        assert_registry_consistent(servers[0].url)
    finally:
        for server in servers:
            server.stop()


def test_killed_server_loses_no_acknowledged_registration(db_url: str) -> None:
    upgrade(db_url)
    server = ServerProcess(db_url).start()
    acknowledged: list[tuple[str, int, int]] = []
    stop = threading.Event()

    def burst(seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(timeout=10) as http:
            while not stop.is_set():
                subject = f"crash-{rng.randrange(5)}-value"
                try:
                    answer = http.post(
                        f"{server.url}/subjects/{subject}/versions",
                        json={"schema": schema_text(rng.randrange(12))},
                    )
                except httpx.TransportError:
                    return
                if answer.status_code == 200:
                    acknowledged.append((subject, answer.json()["version"], answer.json()["id"]))

    threads = [threading.Thread(target=burst, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    while len(acknowledged) < 40:
        threading.Event().wait(0.01)
    server.kill()
    stop.set()
    for thread in threads:
        thread.join()

    restarted = ServerProcess(db_url).start()
    try:
        with httpx.Client(base_url=restarted.url, timeout=30) as http:
            for subject, version, schema_id in acknowledged:
                stored = http.get(f"/subjects/{subject}/versions/{version}").json()
                assert stored["id"] == schema_id, (subject, version)
        assert_registry_consistent(restarted.url)
    finally:
        restarted.stop()
