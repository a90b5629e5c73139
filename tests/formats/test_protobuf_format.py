"""The PROTOBUF format: compiling, validating and printing ``.proto`` files.

The corpus below covers what the printer has to reproduce: proto2 (labels, defaults, groups,
extensions), proto3 (``optional``, maps, oneofs), editions, services, custom options and
imports. Descriptors are produced the way confluent-kafka-python produces them: the serialized
``FileDescriptorProto`` embedded in the Python code protoc generates for the file.
"""

from __future__ import annotations

import ast
import base64
import random
import tempfile
import threading
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2, message_factory
from grpc_tools import _protoc_compiler

from evcat.errors import InvalidSchemaError
from evcat.formats.base import ParsedSchema, SchemaReference
from evcat.formats.protobuf.format import PROTOBUF_FORMAT, ProtobufModel, builtin_names
from evcat.formats.protobuf.imports import BUILTIN_INCLUDE, PROTOC_INCLUDE

ADDRESS = """syntax = "proto3";
package acme.common;
message Address { string street = 1; string zip = 2; }
"""

ORDER = """syntax = "proto3";
// Orders placed in the shop.
package acme.orders;

import "google/protobuf/timestamp.proto";
import "acme/common/address.proto";

message Order {
  string id = 1;
  acme.common.Address ship_to = 2;
  google.protobuf.Timestamp placed_at = 3;
  optional int32 priority = 4;
  map<string, Line> lines = 5;
  oneof payment { string card = 6; int64 points = 7; }
  Status status = 8;
  message Line { string sku = 1; int32 qty = 2; }
  enum Status { STATUS_UNSPECIFIED = 0; PLACED = 1; }
}
"""

PROTO2 = r"""syntax = "proto2";
package shop.v1;
import "google/protobuf/descriptor.proto";
option java_package = "com.shop.v1";
option optimize_for = SPEED;
message Pii { optional string level = 1; repeated string tags = 2; }
extend google.protobuf.FieldOptions { optional Pii pii = 50001; optional bool secret = 50002; }
message Basket {
  message Line { required string sku = 1; optional int32 qty = 2 [default = 1]; }
  map<string, Line> by_sku = 1;
  repeated Line lines = 2;
  optional string note = 3 [default = "n/a \"quoted\"\n", (pii) = { level: "low" tags: "x" }];
  optional bytes blob = 4 [default = "\001\002abc"];
  optional double ratio = 5 [default = -inf];
  optional float share = 6 [default = 1.5e-3, deprecated = true];
  repeated int32 packed = 7 [packed = true];
  optional Status status = 8 [default = ACTIVE];
  optional group Extra = 9 { optional string k = 1; }
  oneof pay { string card = 10 [(secret) = true]; int64 points = 11; }
  optional string camel_case = 13 [json_name = "Camel"];
  message After { optional int32 z = 1; }
  map<int32, After> afters = 14;
  enum Status { option allow_alias = true; UNKNOWN = 0; ACTIVE = 1; ENABLED = 1; reserved 5 to 9; }
  extensions 100 to 199, 1000 to max;
  reserved 50, 60 to 70;
  reserved "legacy";
}
extend Basket { optional int32 count = 100; }
service Shop {
  rpc Get (Basket) returns (Basket.Line);
  rpc Watch (stream Basket) returns (stream Basket) { option idempotency_level = NO_SIDE_EFFECTS; }
}
"""

TAGGED = """syntax = "proto3";
package acme.people;
import "confluent/meta.proto";
import "google/type/date.proto";
message Person {
  option (confluent.message_meta) = { doc: "a customer" params: { key: "owner" value: "crm" } };
  string email = 1 [(confluent.field_meta) = { tags: ["PII"] }];
  google.type.Date born = 2 [(confluent.field_meta).tags = "PII"];
  Kind kind = 3;
  enum Kind { KIND_UNSPECIFIED = 0 [(confluent.enum_value_meta) = { doc: "unknown" }]; VIP = 1; }
}
"""

EDITION = """edition = "2023";
package ed;
option features.field_presence = IMPLICIT;
message M {
  int32 a = 1 [features.field_presence = EXPLICIT];
  M child = 2 [features.message_encoding = DELIMITED];
  repeated int32 r = 3 [features.repeated_field_encoding = EXPANDED];
}
"""

SHADOWED = """syntax = "proto3";
package a;
message Item { int32 x = 1; }
message Order {
  message Item { string y = 1; }
  a.Item outer = 1;
  Item inner = 2;
}
"""

CORPUS = {
    "order": ORDER,
    "proto2": PROTO2,
    "tagged": TAGGED,
    "edition": EDITION,
    "shadowed": SHADOWED,
}


def address() -> ParsedSchema:
    return PROTOBUF_FORMAT.parse(ADDRESS)


def parse(text: str, *, normalize: bool = False) -> ParsedSchema:
    """Parse with the address file available as a reference (registered as version 1)."""
    reference = SchemaReference("acme/common/address.proto", "acme/common/address.proto", 1)
    deps = {reference.name: address()}
    return PROTOBUF_FORMAT.parse(text, [reference], deps, normalize=normalize)


def generated_descriptor(text: str) -> str:
    """What confluent-kafka-python registers: base64 of the file's ``serialized_pb``."""
    with tempfile.TemporaryDirectory() as scratch:
        Path(scratch, "main.proto").write_text(text)
        Path(scratch, "acme/common").mkdir(parents=True)
        Path(scratch, "acme/common/address.proto").write_text(ADDRESS)
        paths = [scratch.encode(), str(BUILTIN_INCLUDE).encode(), str(PROTOC_INCLUDE).encode()]
        modules = dict(_protoc_compiler.get_protos(b"main.proto", paths))
    tree = ast.parse(modules[b"main_pb2.py"])
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "AddSerializedFile":
            return base64.b64encode(node.args[0].value).decode()  # type: ignore[attr-defined]
    raise AssertionError("no serialized descriptor in the generated code")


def test_text_is_printed_in_canonical_layout() -> None:
    assert parse(ORDER).canonical == (
        'syntax = "proto3";\n'
        "\n"
        "package acme.orders;\n"
        "\n"
        'import "google/protobuf/timestamp.proto";\n'
        'import "acme/common/address.proto";\n'
        "\n"
        "message Order {\n"
        "  string id = 1;\n"
        "  acme.common.Address ship_to = 2;\n"
        "  google.protobuf.Timestamp placed_at = 3;\n"
        "  optional int32 priority = 4;\n"
        "  map<string, Line> lines = 5;\n"
        "  oneof payment {\n"
        "    string card = 6;\n"
        "    int64 points = 7;\n"
        "  }\n"
        "  Status status = 8;\n"
        "\n"
        "  message Line {\n"
        "    string sku = 1;\n"
        "    int32 qty = 2;\n"
        "  }\n"
        "\n"
        "  enum Status {\n"
        "    STATUS_UNSPECIFIED = 0;\n"
        "    PLACED = 1;\n"
        "  }\n"
        "}\n"
    )


@pytest.mark.parametrize("text", CORPUS.values(), ids=CORPUS.keys())
def test_base64_descriptor_and_text_have_same_canonical_form(text: str) -> None:
    assert parse(generated_descriptor(text)).canonical == parse(text).canonical


@pytest.mark.parametrize("text", CORPUS.values(), ids=CORPUS.keys())
def test_serialized_rendering_parses_back_to_the_same_canonical_form(text: str) -> None:
    schema = parse(text)
    assert parse(PROTOBUF_FORMAT.render(schema, "serialized")).canonical == schema.canonical


@pytest.mark.parametrize("normalize", [False, True], ids=["canonical", "normalized"])
@pytest.mark.parametrize("text", CORPUS.values(), ids=CORPUS.keys())
def test_canonical_text_parses_back_to_itself(text: str, normalize: bool) -> None:
    canonical = parse(text, normalize=normalize).canonical
    assert parse(canonical, normalize=normalize).canonical == canonical


@pytest.mark.parametrize("text", CORPUS.values(), ids=CORPUS.keys())
def test_message_indexes_survive_the_canonical_round_trip(text: str) -> None:
    schema = parse(text)
    assert parse(schema.canonical).model.message_indexes == schema.model.message_indexes
    assert parse(parse(text, normalize=True).canonical).model.message_indexes == (
        schema.model.message_indexes
    )


def test_nested_message_declared_before_a_map_is_printed_before_it() -> None:
    text = """syntax = "proto3";
message M {
  message A {}
  map<string, A> m = 1;
  message B {}
}
"""
    canonical = parse(text).canonical
    assert (
        canonical.index("message A")
        < canonical.index("map<string, A>")
        < canonical.index("message B")
    )
    assert parse(text).model.message_indexes == {
        "M": (0,),
        "M.A": (0, 0),
        "M.MEntry": (0, 1),
        "M.B": (0, 2),
    }


def test_proto2_features_are_printed() -> None:
    canonical = parse(PROTO2).canonical
    for line in [
        'syntax = "proto2";',
        "option optimize_for = SPEED;",
        "optional int32 qty = 2 [default = 1];",
        'optional string note = 3 [default = "n/a \\"quoted\\"\\n", '
        '(pii) = { level: "low" tags: "x" }];',
        'optional bytes blob = 4 [default = "\\001\\002abc"];',
        "optional double ratio = 5 [default = -inf];",
        "optional float share = 6 [default = 0.0015, deprecated = true];",
        "repeated int32 packed = 7 [packed = true];",
        "optional group Extra = 9 {",
        "string card = 10 [(secret) = true];",
        'optional string camel_case = 13 [json_name = "Camel"];',
        "reserved 5 to 9;",
        "extensions 1000 to max;",
        "reserved 50, 60 to 70;",
        'reserved "legacy";',
        "extend Basket {",
        "rpc Get (Basket) returns (Basket.Line);",
        "rpc Watch (stream Basket) returns (stream Basket) {",
        "option idempotency_level = NO_SIDE_EFFECTS;",
    ]:
        assert line in canonical


def test_custom_options_are_printed_with_their_names() -> None:
    canonical = parse(TAGGED).canonical
    assert (
        "option (confluent.message_meta) = "
        '{ doc: "a customer" params { key: "owner" value: "crm" } };' in canonical
    )
    assert 'string email = 1 [(confluent.field_meta) = { tags: "PII" }];' in canonical
    assert 'KIND_UNSPECIFIED = 0 [(confluent.enum_value_meta) = { doc: "unknown" }];' in canonical


def test_edition_features_are_printed_as_options() -> None:
    canonical = parse(EDITION).canonical
    assert canonical.startswith('edition = "2023";\n')
    assert "int32 a = 1 [features.field_presence = EXPLICIT];" in canonical


def test_type_names_are_qualified_only_as_far_as_scoping_needs() -> None:
    canonical = parse(SHADOWED).canonical
    assert "a.Item outer = 1;" in canonical
    assert "  Item inner = 2;" in canonical


def test_comments_and_layout_do_not_change_the_canonical_form() -> None:
    messy = ORDER.replace("  string id = 1;", "  // the id\n  string   id=1 ;\n\n")
    assert parse(messy).canonical == parse(ORDER).canonical


def test_json_name_is_kept_only_when_it_differs_from_the_default() -> None:
    text = """syntax = "proto3";
message M { string order_id = 1 [json_name = "orderId"]; string b = 2 [json_name = "x"]; }
"""
    canonical = parse(text).canonical
    assert "string order_id = 1;" in canonical
    assert 'string b = 2 [json_name = "x"];' in canonical


def test_normalized_form_sorts_and_fully_qualifies() -> None:
    text = """syntax = "proto3";
package n;
import "google/protobuf/timestamp.proto";
import "google/protobuf/duration.proto";
option java_package = "n.j";
option go_package = "n/go";
message M {
  int32 b = 2;
  google.protobuf.Duration d = 4;
  oneof o { string y = 6; string x = 5; }
  Sub a = 1;
  google.protobuf.Timestamp t = 3;
  message Sub {}
  enum E { Z = 0; C = 2; B = 1; }
}
"""
    assert parse(text, normalize=True).canonical == (
        'syntax = "proto3";\n'
        "\n"
        "package n;\n"
        "\n"
        'import "google/protobuf/duration.proto";\n'
        'import "google/protobuf/timestamp.proto";\n'
        "\n"
        'option go_package = "n/go";\n'
        'option java_package = "n.j";\n'
        "\n"
        "message M {\n"
        "  .n.M.Sub a = 1;\n"
        "  int32 b = 2;\n"
        "  .google.protobuf.Timestamp t = 3;\n"
        "  .google.protobuf.Duration d = 4;\n"
        "  oneof o {\n"
        "    string x = 5;\n"
        "    string y = 6;\n"
        "  }\n"
        "\n"
        "  message Sub {\n"
        "  }\n"
        "\n"
        "  enum E {\n"
        "    Z = 0;\n"
        "    B = 1;\n"
        "    C = 2;\n"
        "  }\n"
        "}\n"
    )


def test_normalized_proto2_file_has_no_syntax_line() -> None:
    text = 'syntax = "proto2";\nmessage M { optional int32 a = 1; }'
    assert parse(text).canonical.startswith('syntax = "proto2";\n')
    assert parse(text, normalize=True).canonical.startswith("message M {\n")
    assert parse("message M { optional int32 a = 1; }", normalize=True).canonical == (
        parse(text, normalize=True).canonical
    )


def test_normalized_form_is_the_same_for_equivalent_texts() -> None:
    one = 'syntax = "proto3";\npackage p;\nmessage M { int32 b = 2; int32 a = 1; }'
    two = 'syntax = "proto3";\npackage p;\nmessage M {\n  int32 a = 1;\n  int32 b = 2;\n}'
    assert parse(one).canonical != parse(two).canonical
    assert parse(one, normalize=True).canonical == parse(two, normalize=True).canonical


@pytest.mark.parametrize("name", sorted(builtin_names()))
def test_builtin_import_needs_no_reference(name: str) -> None:
    schema = parse(f'syntax = "proto3";\nimport "{name}";\nmessage M {{}}\n')
    assert [file.name for file in schema.model.dependencies][-1] == name


def test_common_builtin_files_are_available() -> None:
    expected = {
        f"google/type/{n}.proto"
        for n in [
            "date",
            "datetime",
            "timeofday",
            "money",
            "latlng",
            "decimal",
            "dayofweek",
            "month",
            "interval",
            "postal_address",
            "phone_number",
            "localized_text",
            "expr",
            "fraction",
            "calendar_period",
            "quaternion",
            "color",
        ]
    }
    expected |= {
        "confluent/meta.proto",
        "confluent/type/decimal.proto",
        "google/protobuf/timestamp.proto",
    }
    assert expected <= builtin_names()


def test_import_is_resolved_through_the_reference_of_that_name() -> None:
    schema = parse(ORDER)
    model = schema.model
    assert isinstance(model, ProtobufModel)
    assert [f.name for f in model.dependencies] == [
        "google/protobuf/timestamp.proto",
        "acme/common/address.proto",
    ]
    assert model.reference_versions == {
        "acme/common/address.proto": ("acme/common/address.proto", 1)
    }


def test_imports_of_imports_are_resolved_through_the_referenced_schema() -> None:
    middle_text = """syntax = "proto3";
package acme.mid;
import "acme/common/address.proto";
message Site { acme.common.Address at = 1; }
"""
    ref = SchemaReference("acme/common/address.proto", "addresses", 3)
    middle = PROTOBUF_FORMAT.parse(middle_text, [ref], {ref.name: address()})
    top_ref = SchemaReference("acme/mid.proto", "sites", 1)
    top = PROTOBUF_FORMAT.parse(
        'syntax = "proto3";\nimport "acme/mid.proto";\nmessage Visit { acme.mid.Site site = 1; }',
        [top_ref],
        {top_ref.name: middle},
    )
    assert [f.name for f in top.model.dependencies] == [
        "acme/common/address.proto",
        "acme/mid.proto",
    ]
    assert top.model.reference_versions == {
        "acme/common/address.proto": ("addresses", 3),
        "acme/mid.proto": ("sites", 1),
    }


def test_type_from_a_file_imported_only_indirectly_needs_its_own_import() -> None:
    ref = SchemaReference("acme/common/address.proto", "addresses", 1)
    middle = PROTOBUF_FORMAT.parse(
        'syntax = "proto3";\nimport "acme/common/address.proto";', [ref], {ref.name: address()}
    )
    with pytest.raises(InvalidSchemaError) as raised:
        PROTOBUF_FORMAT.parse(
            'syntax = "proto3";\nimport "mid.proto";\nmessage V { acme.common.Address a = 1; }',
            [SchemaReference("mid.proto", "mid", 1)],
            {"mid.proto": middle},
        )
    assert "which is not imported by this schema" in raised.value.message


def test_one_import_path_bound_to_two_different_files_is_rejected() -> None:
    other = PROTOBUF_FORMAT.parse(
        'syntax = "proto3";\npackage acme.common;\nmessage Address { int64 id = 1; }'
    )
    ref = SchemaReference("acme/common/address.proto", "a", 1)
    middle = PROTOBUF_FORMAT.parse(
        'syntax = "proto3";\nimport "acme/common/address.proto";\nmessage X {}',
        [ref],
        {ref.name: other},
    )
    with pytest.raises(
        InvalidSchemaError,
        match=r'Two different files are imported as "acme/common/address\.proto"',
    ):
        PROTOBUF_FORMAT.parse(
            "syntax = 'proto3';", [], {"acme/common/address.proto": address(), "mid.proto": middle}
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('syntax = "proto3";\nmessage M { int32 a = 1 }', 'line 2, column 25: Expected ";".'),
        (
            'syntax = "proto3";\nmessage M { Nope a = 1; }',
            'line 2, column 13: "Nope" is not defined.',
        ),
        (
            'syntax = "proto3";\nmessage M { int32 a = 1; int32 b = 1; }',
            "Field number 1 has already been used",
        ),
        (
            'syntax = "proto3";\nimport "acme/missing.proto";\nmessage M {}',
            'import "acme/missing.proto" is neither a built-in file nor one of the given '
            "references; "
            'register that file and add a reference named "acme/missing.proto"',
        ),
        ('syntax = "proto3";\nimport "stderr.txt";', 'import "stderr.txt" is neither'),
        ('syntax = "proto3";\nimport "../../etc/passwd";', '".." are not allowed'),
        ('syntax = "proto3";\nimport "default.proto";', 'import "default.proto" is neither'),
        ("", "the schema text is empty"),
        ("   \n", "the schema text is empty"),
        ("AAAA", "does not decode to a serialized FileDescriptorProto"),
        ("bm90IGEgZGVzY3JpcHRvcg==", "does not decode to a serialized FileDescriptorProto"),
        ("Zm9vYmFyY", "neither .proto source nor valid base64"),
        ("syntax", "neither .proto source nor valid base64"),
    ],
)
def test_invalid_input_is_rejected_with_the_reason(text: str, expected: str) -> None:
    with pytest.raises(InvalidSchemaError) as raised:
        PROTOBUF_FORMAT.parse(text)
    assert expected in raised.value.message
    assert "__evcat" not in raised.value.message and "/tmp" not in raised.value.message


def _descriptor(**fields: object) -> str:
    return base64.b64encode(
        descriptor_pb2.FileDescriptorProto(**fields).SerializeToString()
    ).decode()


def test_descriptor_with_an_unknown_type_is_rejected() -> None:
    message = descriptor_pb2.DescriptorProto(name="M")
    message.field.add(name="a", number=1, type=11, type_name=".nope.Missing", label=1)
    with pytest.raises(InvalidSchemaError, match="Invalid Protobuf descriptor"):
        PROTOBUF_FORMAT.parse(_descriptor(name="x.proto", syntax="proto3", message_type=[message]))


def test_descriptor_importing_an_unregistered_file_is_rejected() -> None:
    with pytest.raises(InvalidSchemaError, match=r'reference named "acme/other\.proto"'):
        PROTOBUF_FORMAT.parse(_descriptor(name="x.proto", dependency=["acme/other.proto"]))


def test_descriptor_that_protoc_would_refuse_is_rejected() -> None:
    message = descriptor_pb2.DescriptorProto(name="M")
    # The descriptor pool accepts a field number protoc keeps for itself.
    message.field.add(name="a", number=19_500, type=5, label=1)
    with pytest.raises(InvalidSchemaError, match="19000 through 19999 are reserved"):
        PROTOBUF_FORMAT.parse(_descriptor(name="x.proto", syntax="proto3", message_type=[message]))


def test_descriptor_with_relative_type_names_is_resolved() -> None:
    message = descriptor_pb2.DescriptorProto(name="M")
    message.field.add(name="child", number=1, label=1, type_name="M")
    schema = PROTOBUF_FORMAT.parse(
        _descriptor(name="x.proto", package="p", syntax="proto3", message_type=[message])
    )
    assert "M child = 1;" in schema.canonical


@pytest.mark.parametrize("text", [PROTO2, TAGGED], ids=["proto2", "tagged"])
def test_corrupted_descriptors_are_rejected_or_accepted_but_never_crash(text: str) -> None:
    raw = base64.b64decode(PROTOBUF_FORMAT.render(parse(text), "serialized"))
    rng = random.Random(len(text))
    for _ in range(300):
        corrupted = bytearray(raw)
        for _ in range(rng.randrange(1, 4)):
            corrupted[rng.randrange(len(corrupted))] = rng.randrange(256)
        encoded = base64.b64encode(bytes(corrupted)).decode()
        try:
            schema = PROTOBUF_FORMAT.parse(encoded)
        except InvalidSchemaError:
            continue
        assert PROTOBUF_FORMAT.parse(schema.canonical).canonical == schema.canonical


def test_reference_to_a_schema_of_another_type_is_rejected() -> None:
    avro = ParsedSchema(schema_type="AVRO", canonical='"string"', model=None)
    with pytest.raises(InvalidSchemaError, match="points at a AVRO schema"):
        PROTOBUF_FORMAT.parse('syntax = "proto3";', [], {"x.proto": avro})


def test_render_serialized_is_the_base64_file_descriptor() -> None:
    schema = parse(ORDER)
    file = descriptor_pb2.FileDescriptorProto.FromString(
        base64.b64decode(PROTOBUF_FORMAT.render(schema, "serialized"))
    )
    assert file == schema.model.file
    assert file.name == "default.proto"
    assert PROTOBUF_FORMAT.render(schema, "ignore_extensions") == schema.canonical


def test_model_pool_serializes_messages() -> None:
    schema = parse(ORDER)
    order_class = message_factory.GetMessageClass(
        schema.model.message_descriptor("acme.orders.Order")
    )
    order = order_class(id="o-1", priority=3)
    order.ship_to.zip = "1000"
    order.lines["sku-1"].qty = 2
    assert order_class.FromString(order.SerializeToString()) == order
    assert schema.model.message_names[:2] == ("acme.orders.Order", "acme.orders.Order.LinesEntry")


def test_protoc_messages_do_not_reach_standard_error(capfd: pytest.CaptureFixture[str]) -> None:
    parse(
        'syntax = "proto3";\nimport "google/protobuf/empty.proto";\nmessage M {}'
    )  # unused import
    with pytest.raises(InvalidSchemaError):
        parse("message M { int32 a = 1; }")  # no syntax, no label
    assert capfd.readouterr().err == ""


def test_parses_concurrently_from_many_threads() -> None:
    texts = [
        f'syntax = "proto3";\npackage t{i};\nmessage M{i} {{ int32 f{i} = {i + 1}; }}'
        for i in range(24)
    ]
    results: dict[int, str] = {}

    def work(i: int) -> None:
        results[i] = PROTOBUF_FORMAT.parse(texts[i]).canonical

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(texts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(
        f"message M{i} {{\n  int32 f{i} = {i + 1};\n}}" in results[i] for i in range(len(texts))
    )
