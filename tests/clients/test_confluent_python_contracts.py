"""confluent-kafka's ``SchemaRegistryClient`` with data contracts, aliases and reserved fields.

The client sends ``metadata``/``ruleSet`` with a schema and config fields through
``set_config``; what evcat makes of them is read back with a second, cache-free client.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest
from confluent_kafka.schema_registry import (
    Metadata,
    MetadataProperties,
    Schema,
    SchemaReference,
    SchemaRegistryClient,
    ServerConfig,
)
from confluent_kafka.schema_registry.error import SchemaRegistryError

ClientFactory = Callable[[], SchemaRegistryClient]
Unique = Callable[[str], str]

ORDER = json.dumps(
    {"type": "record", "name": "Order", "fields": [{"name": "id", "type": "string"}]}
)
ORDER_BREAKING = json.dumps(
    {
        "type": "record",
        "name": "Order",
        "fields": [{"name": "id", "type": "string"}, {"name": "qty", "type": "int"}],
    }
)
ORDER_WITH_NOTE = json.dumps(
    {
        "type": "record",
        "name": "Order",
        "fields": [
            {"name": "id", "type": "string"},
            {"name": "note", "type": "string", "default": ""},
        ],
    }
)
ADDRESS_NAME = "com.acme.Address"
ADDRESS = json.dumps(
    {
        "type": "record",
        "name": "Address",
        "namespace": "com.acme",
        "fields": [{"name": "city", "type": "string"}],
    }
)
CUSTOMER = json.dumps(
    {
        "type": "record",
        "name": "Customer",
        "namespace": "com.acme",
        "fields": [{"name": "home", "type": ADDRESS_NAME}],
    }
)


def with_properties(text: str, **properties: str) -> Schema:
    return Schema(text, "AVRO", [], Metadata(None, MetadataProperties(properties), None))


def test_registering_without_metadata_returns_the_id_registered_with_it(
    sr: SchemaRegistryClient, new_client: ClientFactory, unique: Unique
) -> None:
    orders = unique("orders-value")
    first = sr.register_schema_full_response(orders, with_properties(ORDER, owner="shop"))
    again = new_client().register_schema_full_response(orders, Schema(ORDER, "AVRO"))
    assert (again.schema_id, again.version) == (first.schema_id, first.version)


def test_config_default_metadata_reaches_the_registered_schema(
    sr: SchemaRegistryClient, new_client: ClientFactory, unique: Unique
) -> None:
    orders = unique("orders-value")
    defaults = Metadata(None, MetadataProperties({"owner": "platform"}), None)
    sr.set_config(orders, ServerConfig(default_metadata=defaults))
    sr.register_schema(orders, Schema(ORDER, "AVRO"))
    stored = new_client().get_latest_version(orders).schema.metadata
    assert stored is not None and stored.properties.properties == {"owner": "platform"}


def test_compatibility_group_lets_another_group_break(
    sr: SchemaRegistryClient, unique: Unique
) -> None:
    orders = unique("orders-value")
    sr.set_config(orders, ServerConfig(compatibility_group="major"))
    sr.register_schema(orders, with_properties(ORDER, major="1"))
    registered = sr.register_schema_full_response(
        orders, with_properties(ORDER_BREAKING, major="2")
    )
    assert registered.version == 2


def test_get_referenced_by_leaves_out_a_soft_deleted_referrer(
    sr: SchemaRegistryClient, new_client: ClientFactory, unique: Unique
) -> None:
    address, customer = unique("address-value"), unique("customer-value")
    sr.register_schema(address, Schema(ADDRESS, "AVRO"))
    sr.register_schema(
        customer, Schema(CUSTOMER, "AVRO", [SchemaReference(ADDRESS_NAME, address, 1)])
    )
    sr.delete_version(customer, 1)
    assert new_client().get_referenced_by(address, 1) == []
    assert sr.delete_version(address, 1) == 1


def test_registering_a_field_the_subject_reserved_is_409(
    sr: SchemaRegistryClient, shared_registry_url: str, unique: Unique
) -> None:
    customers = unique("customers-value")
    httpx.put(f"{shared_registry_url}/config/{customers}", json={"validateFields": True})
    reserved = with_properties(ADDRESS, **{"confluent:reserved": "city"})
    with pytest.raises(SchemaRegistryError) as refused:
        sr.register_schema(customers, reserved)
    assert refused.value.http_status_code == 409


def test_reading_and_registering_through_an_alias_use_the_aliased_subject(
    sr: SchemaRegistryClient, new_client: ClientFactory, shared_registry_url: str, unique: Unique
) -> None:
    orders, alias = unique("orders-value"), unique("orders")
    first = sr.register_schema(orders, Schema(ORDER, "AVRO"))
    httpx.put(f"{shared_registry_url}/config/{alias}", json={"alias": orders})
    assert new_client().get_latest_version(alias).schema_id == first
    registered = new_client().register_schema_full_response(alias, Schema(ORDER_WITH_NOTE, "AVRO"))
    assert new_client().get_versions(orders) == [1, registered.version]


def test_set_config_with_nothing_to_change_answers_the_current_config(
    own_client: ClientFactory,
) -> None:
    sr = own_client()
    sr.set_compatibility(level="FULL")
    assert sr.set_config(config=ServerConfig()) == {"compatibility": "FULL"}


def test_lookup_of_an_empty_schema_is_40403(sr: SchemaRegistryClient, unique: Unique) -> None:
    orders = unique("orders-value")
    sr.register_schema(orders, Schema(ORDER, "AVRO"))
    with pytest.raises(SchemaRegistryError) as missing:
        sr.lookup_schema(orders, Schema("", "AVRO"))
    assert (missing.value.http_status_code, missing.value.error_code) == (404, 40403)


def test_registering_a_record_with_two_fields_of_one_name_is_42201(
    sr: SchemaRegistryClient, unique: Unique
) -> None:
    twice = json.loads(ORDER)
    twice["fields"].append({"name": "id", "type": "long"})
    with pytest.raises(SchemaRegistryError) as invalid:
        sr.register_schema(unique("orders-value"), Schema(json.dumps(twice), "AVRO"))
    assert (invalid.value.http_status_code, invalid.value.error_code) == (422, 42201)
