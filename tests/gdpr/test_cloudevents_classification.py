"""CloudEvents classification values come from the data map's vocabulary."""

from __future__ import annotations

from fastapi.testclient import TestClient

from evcat.catalog.categories import CATEGORIES
from evcat.catalog.cloudevents import SPECIAL_CATEGORIES


def test_special_categories_are_the_vocabulary_art9_ids() -> None:
    assert {c.id for c in CATEGORIES.values() if c.special} == SPECIAL_CATEGORIES
    assert {"health-record", "genetic-data", "biometric-data"} <= SPECIAL_CATEGORIES
    assert "email-address" not in SPECIAL_CATEGORIES


def test_event_with_a_special_category_field_is_restricted(api: TestClient) -> None:
    envelope = api.get("/v1/events/PrescriptionFilled/cloudevents").json()
    assert envelope["classification"] == {
        "dataclassification": "restricted",
        "dataregulation": "GDPR",
        "datacategory": "special-category",
    }
