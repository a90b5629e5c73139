"""Deliberately wrong Python upcasters, for the validation tests."""

from __future__ import annotations

from typing import Any

from evcat.upcast import UpcastContext, upcaster


@upcaster("shop.OrderPlaced", from_version=4, to_version=5)
def forgets_placed_at(data: dict[str, Any], ctx: UpcastContext) -> dict[str, Any]:
    return {**data, "item_count": len(data["items"])}


@upcaster("shop.OrderPlaced", from_version=3, to_version=4)
def mutates_its_input(data: dict[str, Any], ctx: UpcastContext) -> dict[str, Any]:
    cents = data.pop("amount_cents")
    currency = data.pop("currency_code")
    return {**data, "amount": {"value": str(cents), "currency": currency}}
