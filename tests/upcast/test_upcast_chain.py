"""Routes through the version graph: latest and chosen targets, the fast path, future events."""

from __future__ import annotations

import copy
import io
from decimal import Decimal

import fastavro
import pytest

from evcat.upcast import FutureSchemaVersion, StoredEvent, UpcastContext, upcaster_for
from evcat.upcast.edges.spec import parse_spec
from tests.upcast.order_schemas import (
    ORDER,
    SCHEMAS,
    SPEC_1_2,
    TIME,
    V1_EVENT,
    V3,
    code,
    specs,
)


def test_ac_chain_latest_equals_the_four_steps_applied_by_hand() -> None:
    up = upcaster_for(SCHEMAS, specs(), code())
    event = StoredEvent(ORDER, 1, V1_EVENT, id="e-1", time=TIME)

    [result] = up.upcast(event)

    step1 = {
        "id": "o-1",
        "customer": {"full_name": "Ada Lovelace"},
        "amount_cents": 1234,
        "currency": "EUR",
        "items": ["book", "pen"],
    }
    step2 = {
        "id": "o-1",
        "customer": {"full_name": "Ada Lovelace"},
        "amount_cents": 1234,
        "currency_code": "EUR",
        "items": ["book", "pen"],
        "channel": "web",
    }
    step3 = {
        "id": "o-1",
        "customer": {"full_name": "Ada Lovelace"},
        "amount": {"value": str(Decimal(1234) / 100), "currency": "EUR"},
        "items": ["book", "pen"],
        "channel": "web",
    }
    step4 = step3 | {"item_count": 2, "placed_at": TIME}
    assert (result.event_type, result.version) == (ORDER, 5)
    assert result.data == step4
    assert step1 and step2  # the intermediate forms, spelled out for the reader


def test_ac_chain_latest_plan_lists_exactly_the_four_edges() -> None:
    up = upcaster_for(SCHEMAS, specs(), code())

    plan = up.plan(ORDER, 1)

    assert [label.split(" ")[:2] for label in plan] == [
        ["declarative", f"{ORDER}@1->2"],
        ["resolution", f"{ORDER}@2->3"],
        ["code", f"{ORDER}@3->4"],
        ["declarative", f"{ORDER}@4->5"],
    ]


def test_ac_chain_target_output_validates_against_v3_and_lacks_later_fields() -> None:
    up = upcaster_for(SCHEMAS, specs(), code(), target=3)

    out = up.upcast_data(ORDER, 1, V1_EVENT)

    assert out is not None
    assert fastavro.validation.validate(out, V3.model.fastavro_schema, raise_errors=False)
    assert not {"amount", "item_count", "placed_at"} & set(out)
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, V3.model.fastavro_schema, out)


def test_ac_fast_path_returns_the_same_dict_for_an_event_at_the_target() -> None:
    up = upcaster_for(SCHEMAS, specs(), code())
    latest = {"id": "o-9"}

    assert up.upcast_data(ORDER, 5, latest) is latest
    assert up.upcast(StoredEvent(ORDER, 5, latest))[0].data is latest


def test_ac_future_event_newer_than_the_target_raises() -> None:
    up = upcaster_for(SCHEMAS, specs(), code(), target=3)

    with pytest.raises(FutureSchemaVersion) as raised:
        up.upcast_data(ORDER, 5, {"id": "o-1"})

    assert raised.value.target == (ORDER, 3)


def test_upcasting_leaves_the_callers_payload_unchanged() -> None:
    up = upcaster_for(SCHEMAS, specs(), code())
    payload = copy.deepcopy(V1_EVENT)

    up.upcast_data(ORDER, 1, payload, UpcastContext(time=TIME))

    assert payload == V1_EVENT


def test_a_declared_shortcut_is_preferred_to_the_stepwise_route() -> None:
    shortcut = parse_spec(
        {
            "event": ORDER,
            "from": 1,
            "to": 3,
            "ops": [
                {"rename": {"from": "customer_name", "to": "customer.full_name"}},
                {"rename": {"from": "currency", "to": "currency_code"}},
            ],
        }
    )
    up = upcaster_for(SCHEMAS, [*specs(), shortcut], code())

    assert up.plan(ORDER, 1)[0].startswith(f"declarative {ORDER}@1->3")
    out = up.upcast_data(ORDER, 1, V1_EVENT, UpcastContext(time=TIME))
    reference = upcaster_for(SCHEMAS, specs(), code()).upcast_data(
        ORDER, 1, V1_EVENT, UpcastContext(time=TIME)
    )
    assert out == reference


def test_plan_of_an_event_at_the_target_is_empty() -> None:
    assert upcaster_for(SCHEMAS, specs(), code()).plan(ORDER, 5) == []


def test_spec_from_yaml_text_parses_like_the_mapping() -> None:
    from evcat.upcast import load_document

    text = (
        "event: shop.OrderPlaced\nfrom: 1\nto: 2\n"
        "ops:\n  - rename: {from: customer_name, to: customer.full_name}\n"
    )

    assert parse_spec(load_document(text)).fingerprint == parse_spec(SPEC_1_2).fingerprint
