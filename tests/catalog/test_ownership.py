"""Ownership and stewardship (F16): owners, stewards, privacy contacts, an owner policy."""

from __future__ import annotations

import shutil
from pathlib import Path

from fastapi.testclient import TestClient

from tests.catalog.conftest import DEMO_CATALOG, Cli


def test_policy_refuses_an_unowned_event_naming_file_and_id(demo_url: str, tmp_path: Path) -> None:
    folder = shutil.copytree(DEMO_CATALOG, tmp_path / "catalog")
    event = folder / "events" / "com.acme.orders.OrderCancelled.yaml"
    event.write_text(event.read_text().replace("owner: orders-team\n", ""))
    code, out, err = Cli(demo_url)("apply", str(folder))
    assert (code, out) == (1, "")
    assert err == (
        f"error: {event}:1: owner: Event 'com.acme.orders.OrderCancelled' has no owner; "
        "policy 'default' requires one\n1 problem, nothing written\n"
    )


def test_policy_names_each_required_kind(demo_url: str, tmp_path: Path) -> None:
    folder = shutil.copytree(DEMO_CATALOG, tmp_path / "catalog")
    (folder / "policies" / "default.yaml").write_text(
        "kind: Policy\nid: default\nrequire_owner: [store]\n"
    )
    store = folder / "stores" / "crm-db.yaml"
    store.write_text(store.read_text().replace("owner: marketing-team\n", ""))
    event = folder / "events" / "com.acme.orders.OrderCancelled.yaml"
    event.write_text(event.read_text().replace("owner: orders-team\n", ""))
    code, _, err = Cli(demo_url)("apply", str(folder))
    assert code == 1
    assert err.splitlines() == [
        f"error: {store}:1: owner: Store 'crm-db' has no owner; policy 'default' requires one",
        "1 problem, nothing written",
    ]


def test_without_the_policy_an_unowned_event_is_accepted(demo_url: str, tmp_path: Path) -> None:
    folder = shutil.copytree(DEMO_CATALOG, tmp_path / "catalog")
    (folder / "policies" / "default.yaml").unlink()
    event = folder / "events" / "com.acme.orders.OrderCancelled.yaml"
    event.write_text(event.read_text().replace("owner: orders-team\n", ""))
    code, out, _ = Cli(demo_url)("apply", str(folder), "--prune")
    assert (code, out.splitlines()[-1]) == (
        0,
        "0 to create, 1 to update, 1 to delete, 58 unchanged",
    )


def test_an_unowned_event_is_accountable_to_its_producer_then_its_domain(
    demo_url: str, tmp_path: Path, api: TestClient
) -> None:
    folder = shutil.copytree(DEMO_CATALOG, tmp_path / "catalog")
    (folder / "policies" / "default.yaml").unlink()
    for name in ("com.acme.orders.OrderCancelled", "com.acme.customers.EraseCustomer"):
        event = folder / "events" / f"{name}.yaml"
        text = event.read_text()
        event.write_text(
            text.replace("owner: orders-team\n", "").replace("owner: privacy-office\n", "")
        )
    assert Cli(demo_url)("apply", str(folder), "--prune")[0] == 0
    produced = api.get("/v1/events/OrderCancelled").json()["owner"]
    assert (produced["team"], produced["source"]) == ("orders-team", "producer")
    unproduced = api.get("/v1/events/EraseCustomer").json()["owner"]
    assert (unproduced["team"], unproduced["source"]) == ("customers-team", "domain")


def test_every_owned_resource_names_an_accountable_team_and_contact(api: TestClient) -> None:
    owners = {}
    for kind in ("events", "services", "channels", "stores"):
        for item in api.get(f"/v1/{kind}", params={"limit": 1000}).json()["items"]:
            view = api.get(f"/v1/{kind}/{item['id']}").json()
            owner = view["owner"]
            assert owner["email"].endswith("@acme.example"), (kind, item["id"])
            owners[(kind, item["id"])] = owner["team"]
    assert len(owners) == 17 + 8 + 14 + 2
    assert owners[("events", "com.acme.customers.EraseCustomer")] == "privacy-office"
    assert owners[("stores", "warehouse")] == "data-team"
    assert owners[("channels", "pharmacy.prescriptions")] == "pharmacy-team"


def test_stewards_and_privacy_contacts_are_people_of_teams(api: TestClient) -> None:
    store = api.get("/v1/stores/crm-db").json()
    assert (store["steward"], store["privacy_contact"]) == ("carla", "dpo")
    office = api.get("/v1/teams/privacy-office").json()
    assert office["members"] == [
        {
            "id": "dpo",
            "name": "Dana Price",
            "email": "dpo@acme.example",
            "role": "Data Protection Officer",
        }
    ]
