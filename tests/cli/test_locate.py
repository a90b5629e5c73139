"""Finding the line a compatibility path names, in each format."""

from __future__ import annotations

from evcat.cli.locate import line_of, line_of_error
from evcat.cli.protolines import scan

NESTED_AVRO = """{
  "type": "record",
  "name": "Order",
  "fields": [
    {"name": "id", "type": "string"},
    {
      "name": "customer",
      "type": {
        "type": "record",
        "name": "Customer",
        "fields": [
          {"name": "email", "type": "string"}
        ]
      }
    }
  ]
}
"""
OLD_AVRO = """{"type": "record", "name": "Order", "fields": [
  {"name": "customer", "type": {"type": "record", "name": "Customer",
     "fields": [{"name": "email", "type": "string"}]}}
]}"""

PROTO = """syntax = "proto2";
package acme;

// message Fake { required int32 x = 1; }
message Order {
  required string id = 1 [(validate.rules).string = { min_len: 1 }];
  oneof payment {
    string card = 2;
    string iban = 3;
  }
  message Line {
    map<string, int32> counts = 1;
  }
  optional group Extra = 4 {
    optional int32 weight = 1;
  }
  reserved 9;
}
"""


def test_avro_path_in_the_new_schema_points_at_the_nested_field_type() -> None:
    path = "/fields/1/type/fields/0/type"
    assert line_of("AVRO", NESTED_AVRO, path, reader_text=NESTED_AVRO) == 12


def test_avro_path_of_the_old_schema_is_followed_by_field_names() -> None:
    # In the old schema 'customer' is field 0; in the new one it is field 1.
    path = "/fields/0/type/fields/0/type"
    assert line_of("AVRO", NESTED_AVRO, path, reader_text=OLD_AVRO) == 12


def test_avro_field_is_shown_by_the_line_of_its_name() -> None:
    assert line_of("AVRO", NESTED_AVRO, "/fields/1", reader_text=NESTED_AVRO) == 7


def test_avro_old_path_without_the_old_text_stops_before_field_indexes() -> None:
    assert line_of("AVRO", NESTED_AVRO, "/fields/0/type/fields/0/type") == 1


def test_protobuf_field_by_tag_in_a_message() -> None:
    assert line_of("PROTOBUF", PROTO, "#/Order/1") == 6


def test_protobuf_field_inside_a_oneof() -> None:
    assert line_of("PROTOBUF", PROTO, "#/Order/payment/3") == 9


def test_protobuf_nested_message_map_field() -> None:
    assert line_of("PROTOBUF", PROTO, "#/Order/Line/1") == 12


def test_protobuf_group_is_a_field_and_a_message() -> None:
    lines = scan(PROTO)
    assert lines.fields[(("Order",), 4)] == 14
    assert lines.fields[(("Order", "Extra"), 1)] == 15


def test_protobuf_comments_declare_nothing() -> None:
    assert ("Fake",) not in scan(PROTO).messages


def test_protobuf_missing_tag_points_at_its_message() -> None:
    assert line_of("PROTOBUF", PROTO, "#/Order/99") == 5


def test_protobuf_package_change_points_at_the_package() -> None:
    assert line_of("PROTOBUF", PROTO, "#/") == 2


def test_json_schema_pointer_with_escapes() -> None:
    text = '{\n  "properties": {\n    "a/b": {\n      "type": "string"\n    }\n  }\n}\n'
    assert line_of("JSON", text, "#/properties/a~1b/type") == 4


def test_json_schema_required_name_points_at_its_entry() -> None:
    text = '{\n  "required": [\n    "a",\n    "b"\n  ]\n}\n'
    assert line_of("JSON", text, "#/required/b") == 4


def test_error_line_from_a_protoc_message() -> None:
    message = 'Invalid Protobuf schema: line 3, column 3: "strin" is not defined.'
    assert line_of_error("PROTOBUF", "", message) == 3


def test_error_line_of_json_that_does_not_parse() -> None:
    assert line_of_error("AVRO", '{\n  "type": \n}', "Invalid schema") == 3


def test_error_line_from_a_pointer_in_the_message() -> None:
    text = '{\n  "type": "object",\n  "properties": {\n    "a": {"type": "strin"}\n  }\n}'
    message = "Invalid schema of type JSON: at '#/properties/a/type' \"strin\" is not valid"
    assert line_of_error("JSON", text, message) == 4
