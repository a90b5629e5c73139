"""AC-CODE: Python upcasters are discovered, pinned by their source hash, and drift is caught."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from evcat.upcast import StoredEvent, UpcastFailed, upcaster_for
from evcat.upcast.edges.code import CodePin, check_drift, forget, registered
from evcat.upcast.errors import CodeDriftError
from tests.upcast.order_schemas import ORDER, SCHEMAS, TIME, V1_EVENT, specs

MODULE = "drifting_upcasters"
SOURCE = """
from evcat.upcast import upcaster


@upcaster("shop.OrderPlaced", from_version=3, to_version=4)
def order_v3_v4(data, ctx):
    out = dict(data)
    cents = out.pop("amount_cents")
    out["amount"] = {{"value": str(cents / {divisor}), "currency": out.pop("currency_code")}}
    return out
"""


@pytest.fixture
def module_dir(tmp_path: Path) -> Iterator[Path]:
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    sys.modules.pop(MODULE, None)
    forget([MODULE])


def load(directory: Path, divisor: int) -> CodePin:
    (directory / f"{MODULE}.py").write_text(SOURCE.format(divisor=divisor))
    forget([MODULE])
    if MODULE in sys.modules:
        importlib.reload(sys.modules[MODULE])
    else:
        importlib.import_module(MODULE)
    [found] = [c for c in registered() if c.module == MODULE]
    return CodePin(found.event_type, found.from_version, found.ref, found.source_hash)


def test_ac_code_a_decorated_function_is_discovered_and_used(module_dir: Path) -> None:
    load(module_dir, 100)
    found = [c for c in registered([MODULE]) if c.module == MODULE]

    up = upcaster_for(SCHEMAS, specs(), found)

    assert up.plan(ORDER, 3)[0].startswith(f"code {ORDER}@3->4 (sha256:")
    out = up.upcast(StoredEvent(ORDER, 1, V1_EVENT, time=TIME))
    assert out[0].data["amount"] == {"value": "12.34", "currency": "EUR"}


def test_ac_code_changing_the_source_changes_the_fingerprint(module_dir: Path) -> None:
    before = load(module_dir, 100)
    after = load(module_dir, 1000)

    assert before.ref == after.ref
    assert before.source_hash != after.source_hash


def test_ac_code_drift_with_policy_fail_stops_start_up(module_dir: Path) -> None:
    pinned = load(module_dir, 100)
    load(module_dir, 1000)

    with pytest.raises(CodeDriftError) as raised:
        check_drift([pinned], registered(), policy="fail")

    assert raised.value.code == "CODE_DRIFT"
    assert pinned.ref in raised.value.problems[0].message


def test_code_drift_with_policy_warn_only_warns(module_dir: Path) -> None:
    pinned = load(module_dir, 100)
    load(module_dir, 1000)

    with pytest.warns(UserWarning, match="CODE_DRIFT"):
        drifted = check_drift([pinned], registered(), policy="warn")

    assert [p.code for p in drifted] == ["CODE_DRIFT"]


def test_pinned_code_that_is_not_loaded_is_an_error_under_any_policy() -> None:
    pin = CodePin(ORDER, 3, "nowhere:gone", "sha256:00")

    with pytest.raises(CodeDriftError) as raised:
        check_drift([pin], [], policy="warn")

    assert raised.value.code == "CODE_MISSING"


def test_a_code_upcaster_returning_a_non_dict_fails_clearly() -> None:
    from evcat.upcast.edges.code import CodeUpcaster

    broken = CodeUpcaster(ORDER, 3, ORDER, 4, lambda data, ctx: [data], "m", "f", "sha256:1")
    up = upcaster_for(SCHEMAS, specs(), [broken])

    with pytest.raises(UpcastFailed, match="returned list, not a dict"):
        up.upcast_data(ORDER, 3, {"id": "x"})


def test_ac_code_a_pinned_upcaster_whose_source_changed_stops_the_service(
    module_dir: Path, tmp_path: Path
) -> None:
    import json

    from evcat.db import make_engine
    from evcat.migrations import upgrade
    from evcat.registry.entities import SchemaRequest
    from evcat.registry.service import Registry
    from evcat.settings import Settings
    from evcat.upcast.service import UpcastService
    from tests.upcast.order_schemas import SCHEMAS

    url = f"sqlite:///{tmp_path / 'registry.db'}"
    upgrade(url)
    registry = Registry(make_engine(url), Settings(db_url=url))
    for node in sorted(SCHEMAS):
        text = json.dumps(SCHEMAS[node].model.schema)
        registry.register(ORDER, SchemaRequest(schema=text), force=True)
    load(module_dir, 100)
    service = UpcastService(registry, code_modules=[MODULE], code_drift="fail", samples=20)
    [pinned] = service.pin()
    assert pinned.fingerprint.startswith("sha256:")
    load(module_dir, 1000)

    restarted = UpcastService(registry, code_modules=[MODULE], code_drift="fail")
    with pytest.raises(CodeDriftError) as raised:
        restarted.upcaster()

    assert raised.value.code == "CODE_DRIFT"
