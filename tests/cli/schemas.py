"""Schema texts for the CLI tests, laid out one field per line so line numbers mean something."""

from __future__ import annotations

ORDER_V1 = """{
  "type": "record",
  "name": "Order",
  "namespace": "acme",
  "fields": [
    {"name": "id", "type": "string"},
    {"name": "qty", "type": "int"}
  ]
}
"""

# Compatible under every level: the new field has a default.
ORDER_WITH_NOTE = """{
  "type": "record",
  "name": "Order",
  "namespace": "acme",
  "fields": [
    {"name": "id", "type": "string"},
    {"name": "qty", "type": "int"},
    {"name": "note", "type": ["null", "string"], "default": null}
  ]
}
"""

# BACKWARD-incompatible: the new field (line 8) has no default.
ORDER_WITH_REQUIRED_NOTE = """{
  "type": "record",
  "name": "Order",
  "namespace": "acme",
  "fields": [
    {"name": "id", "type": "string"},
    {"name": "qty", "type": "int"},
    {"name": "note", "type": "string"}
  ]
}
"""

# FORWARD-incompatible only: 'qty' (line 7 of ORDER_V1) is gone and had no default.
ORDER_WITHOUT_QTY = """{
  "type": "record",
  "name": "Order",
  "namespace": "acme",
  "fields": [
    {"name": "id", "type": "string"}
  ]
}
"""

PAYMENT_V1 = """syntax = "proto3";
package acme;

message Payment {
  string id = 1;
  int64 amount = 2;
}
"""

PAYMENT_WITH_CURRENCY = """syntax = "proto3";
package acme;

message Payment {
  string id = 1;
  int64 amount = 2;
  string currency = 3;
}
"""

# Tag 2 (line 6) changes wire type.
PAYMENT_AMOUNT_AS_STRING = """syntax = "proto3";
package acme;

message Payment {
  string id = 1;
  string amount = 2;
}
"""

CUSTOMER_V1 = """{
  "type": "object",
  "properties": {
    "name": {"type": "string"}
  },
  "additionalProperties": false
}
"""

CUSTOMER_WITH_EMAIL = """{
  "type": "object",
  "properties": {
    "name": {"type": "string"},
    "email": {"type": "string"}
  },
  "additionalProperties": false
}
"""

# 'name' (line 4) changes type.
CUSTOMER_NAME_AS_NUMBER = """{
  "type": "object",
  "properties": {
    "name": {"type": "number"}
  },
  "additionalProperties": false
}
"""
