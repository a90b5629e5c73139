"""Python upcasters of the shop.OrderPlaced test lineage."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from evcat.upcast import UpcastContext, upcaster


@upcaster("shop.OrderPlaced", from_version=3, to_version=4)
def order_v3_v4(data: dict[str, Any], ctx: UpcastContext) -> dict[str, Any]:
    out = dict(data)
    cents = out.pop("amount_cents")
    out["amount"] = {"value": str(Decimal(cents) / 100), "currency": out.pop("currency_code")}
    return out
