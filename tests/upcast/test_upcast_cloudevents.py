"""AC-CE: CloudEvents in structured and binary mode come out at the target version."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import fastavro
import orjson
import pytest
from cloudevents.core.bindings.kafka import KafkaMessage
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from evcat.upcast import parse_spec, upcaster_for
from evcat.upcast.errors import InvalidStoredEvent, UnresolvableSchemaVersion
from evcat.upcast.read.cloudevents import CloudEventUpcaster
from evcat.upcast.read.wire import header, read_header
from tests.upcast.order_schemas import ORDER, SCHEMAS, V1, V1_EVENT, V5, avro, code, specs

BASE = "https://registry.example/v1/events"
CREATED = "shop.OrderCreated"
CREATED_V1 = avro(V1.model.schema["fields"], CREATED)
RENAME = parse_spec(
    {"rename_type": {"from": CREATED, "from_version": 1, "to": ORDER, "to_version": 1}}
)
TIME = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)


def upcaster() -> CloudEventUpcaster:
    return CloudEventUpcaster(
        upcaster_for(SCHEMAS | {(CREATED, 1): CREATED_V1}, [*specs(), RENAME], code())
    )


def structured(attributes: dict[str, Any], data: Any) -> bytes:
    return JSONFormat().write(CloudEvent(attributes, data))


ATTRIBUTES = {
    "id": "evt-1",
    "source": "/shop",
    "type": CREATED,
    "time": TIME,
    "specversion": "1.0",
    "datacontenttype": "application/json",
    "dataschema": f"{BASE}/{CREATED}/versions/1/schema",
    "tenant": "acme",
}


def check_v5(attributes: dict[str, Any], data: dict[str, Any]) -> None:
    assert attributes["dataschema"] == f"{BASE}/{ORDER}/versions/5/schema"
    assert (attributes["id"], attributes["source"], attributes["tenant"]) == (
        "evt-1",
        "/shop",
        "acme",
    )
    assert attributes["type"] == ORDER
    assert attributes["upcastedfrom"] == f"{BASE}/{CREATED}/versions/1/schema"
    assert data["amount"] == {"value": "12.34", "currency": "EUR"}
    assert data["placed_at"] == "2024-05-06T07:08:09Z"


def test_ac_ce_structured_event_comes_out_at_v5_with_its_identity_kept() -> None:
    [body] = upcaster().upcast_structured(structured(ATTRIBUTES, V1_EVENT))

    event = orjson.loads(body)
    check_v5(event, event["data"])
    assert event["time"] == "2024-05-06T07:08:09Z"


def test_ac_ce_binary_kafka_record_gets_the_same_result() -> None:
    headers = {
        f"ce_{k}": (v.isoformat() if isinstance(v, datetime) else str(v)).encode()
        for k, v in ATTRIBUTES.items()
        if k != "datacontenttype"
    }
    headers["content-type"] = b"application/json"
    message = KafkaMessage(headers, b"key-1", orjson.dumps(V1_EVENT))

    [out] = upcaster().upcast_kafka(message)

    attributes = {k[3:]: v.decode() for k, v in out.headers.items() if k.startswith("ce_")}
    check_v5(attributes, orjson.loads(out.value))
    assert out.key == b"key-1"
    assert attributes["time"] == "2024-05-06T07:08:09Z"


@pytest.mark.parametrize(
    "broken",
    [{"ce_time": b"yesterday"}, {"ce_specversion": b"9.9"}, {"ce_source": None}],
    ids=["bad-time", "unknown-specversion", "no-source"],
)
def test_a_binary_kafka_record_the_sdk_rejects_is_invalid_stored_event(
    broken: dict[str, bytes | None],
) -> None:
    headers = {f"ce_{k}": str(v).encode() for k, v in ATTRIBUTES.items() if k != "datacontenttype"}
    headers["ce_time"] = b"2024-05-06T07:08:09Z"
    for key, value in broken.items():
        if value is None:
            del headers[key]
        else:
            headers[key] = value

    with pytest.raises(InvalidStoredEvent, match="not a valid binary-mode CloudEvent"):
        upcaster().upcast_kafka(KafkaMessage(headers, None, orjson.dumps(V1_EVENT)))


def test_ac_ce_a_version_found_only_in_the_type_suffix_is_resolved() -> None:
    attributes = {k: v for k, v in ATTRIBUTES.items() if k != "dataschema"}
    attributes["type"] = f"{ORDER}.v1"
    ce = upcaster()

    [event] = ce.upcast(CloudEvent(attributes, V1_EVENT))

    assert ce.resolve(CloudEvent(attributes, V1_EVENT)) == (ORDER, 1)
    assert event.get_type() == f"{ORDER}.v5"
    assert event.get_extension("upcastedfrom") == f"{ORDER}@1"
    data: Any = event.get_data()
    assert data["item_count"] == 2


def test_a_version_in_the_configured_extension_attribute_is_resolved() -> None:
    attributes = {k: v for k, v in ATTRIBUTES.items() if k != "dataschema"}
    attributes |= {"type": ORDER, "dataversion": "1"}

    assert upcaster().resolve(CloudEvent(attributes, V1_EVENT)) == (ORDER, 1)


def test_wire_framed_data_in_binary_mode_is_re_encoded_with_the_target_id() -> None:
    ce = upcaster()
    index = ce.upcaster.index
    buffer = io.BytesIO()
    buffer.write(header(index.schema_id((ORDER, 1))))
    fastavro.schemaless_writer(buffer, V1.model.fastavro_schema, V1_EVENT)
    headers = {
        "ce_id": b"evt-2",
        "ce_source": b"/shop",
        "ce_type": ORDER.encode(),
        "ce_specversion": b"1.0",
        "ce_time": b"2024-05-06T07:08:09Z",
        "content-type": b"application/avro",
    }

    [out] = ce.upcast_kafka(KafkaMessage(headers, None, buffer.getvalue()))

    assert read_header(out.value) == index.schema_id((ORDER, 5))
    decoded: Any = fastavro.schemaless_reader(
        io.BytesIO(out.value[5:]), V5.model.fastavro_schema, None
    )
    assert decoded["item_count"] == 2


def test_an_event_already_at_the_target_is_returned_unchanged() -> None:
    attributes = dict(ATTRIBUTES, type=ORDER, dataschema=f"{BASE}/{ORDER}/versions/5/schema")
    event = CloudEvent(attributes, {"id": "o"})

    assert upcaster().upcast(event)[0] is event


def test_an_event_naming_no_version_is_unresolvable() -> None:
    attributes = {k: v for k, v in ATTRIBUTES.items() if k != "dataschema"}

    with pytest.raises(UnresolvableSchemaVersion):
        upcaster().upcast(CloudEvent(attributes, V1_EVENT))


def test_confluent_id_dataschema_is_rewritten_to_the_target_id() -> None:
    ce = upcaster()
    index = ce.upcaster.index
    attributes = dict(
        ATTRIBUTES,
        type=ORDER,
        dataschema=f"http://sr:8081/schemas/ids/{index.schema_id((ORDER, 1))}",
    )

    [event] = ce.upcast(CloudEvent(attributes, V1_EVENT))

    assert event.get_dataschema() == f"http://sr:8081/schemas/ids/{index.schema_id((ORDER, 5))}"
