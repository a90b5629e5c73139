"""``evcat apply`` refuses bad catalogs: exit 1, a precise message, and nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.catalog.conftest import DEMO_CATALOG, Cli
from tests.catalog.test_apply import counts, epoch

# (file, text in it, replacement, YAML path, message)
BAD_REFERENCES = [
    (
        "services/billing-service.yaml",
        "- event: com.acme.payments.PaymentRefunded",
        "- event: com.acme.payments.PaymentRefundd",
        "consumes[2].event",
        "unknown event 'com.acme.payments.PaymentRefundd': declare it or register its schema "
        "(did you mean 'com.acme.payments.PaymentRefunded', 'payments.PaymentCaptured'?)",
    ),
    (
        "services/billing-service.yaml",
        "  channel: payments.refunded",
        "  channel: payments.refundz",
        "consumes[2].channel",
        "unknown channel 'payments.refundz' (did you mean 'payments.refunded', "
        "'payments.captured'?)",
    ),
    (
        "services/shipping-service.yaml",
        "- order-service",
        "- order-servce",
        "depends_on[0]",
        "unknown service 'order-servce' (did you mean 'order-service', 'customer-service', "
        "'marketing-service'?)",
    ),
    (
        "services/marketing-service.yaml",
        "  - email",
        "  - emial",
        "consumes[0].fields[1]",
        "unknown field 'emial' in event 'com.acme.customers.CustomerRegistered' version 2 "
        "(did you mean 'email'?)",
    ),
    (
        "services/analytics-service.yaml",
        "    field: email",
        "    field: email_address",
        "derivations[1].from[0].field",
        "unknown field 'email_address' in event 'com.acme.customers.CustomerRegistered' "
        "version 2 (did you mean 'address'?)",
    ),
    (
        "services/billing-service.yaml",
        "  field: total",
        "  field: totals",
        "derivations[2].field",
        "unknown field 'totals' in event 'com.acme.billing.InvoiceIssued' version 1 "
        "(did you mean 'total'?)",
    ),
    (
        "events/com.acme.customers.CustomerRegistered.yaml",
        "- path: email",
        "- path: mail",
        "fields[0].path",
        "unknown field 'mail' in event 'com.acme.customers.CustomerRegistered' version 2 "
        "(did you mean 'email'?)",
    ),
    (
        "services/marketing-service.yaml",
        "  - crm-db",
        "  - crm",
        "consumes[0].stores[0]",
        "unknown store 'crm' (did you mean 'crm-db'?)",
    ),
    (
        "services/marketing-service.yaml",
        "  - mailer",
        "  - mailr",
        "consumes[0].recipients[0]",
        "unknown recipient 'mailr' (did you mean 'mailer'?)",
    ),
    (
        "stores/warehouse.yaml",
        "owner: data-team",
        "owner: data-teem",
        "owner",
        "unknown team 'data-teem' (did you mean 'data-team'?)",
    ),
    (
        "stores/warehouse.yaml",
        "steward: erin",
        "steward: eryn",
        "steward",
        "unknown person 'eryn' (did you mean 'erin'?)",
    ),
    (
        "events/com.acme.payments.PaymentRefunded.yaml",
        "domain: payments",
        "domain: paymnts",
        "domain",
        "unknown domain 'paymnts' (did you mean 'payments'?)",
    ),
    (
        "services/billing-service.yaml",
        "  version: 2.x",
        "  version: 3.x",
        "consumes[0].version",
        "unknown version '3.x' of event 'shop.OrderPlaced' (it has versions 1, 2)",
    ),
    (
        "services/pharmacy-service.yaml",
        "- event: com.acme.pharmacy.PrescriptionFilled\n  field: order_id",
        "- event: com.acme.billing.InvoiceIssued\n  field: order_id",
        "derivations[0].event",
        "service 'pharmacy-service' does not produce 'com.acme.billing.InvoiceIssued'; "
        "add it to produces",
    ),
    (
        "events/shop.OrderPlaced.yaml",
        "domain: ordering",
        "domain: ordering\nsubject: orders-value",
        "subject",
        "unknown subject 'orders-value': no live version of it holds 'shop.OrderPlaced'",
    ),
]


@pytest.mark.parametrize(
    ("file", "before", "after", "path", "message"),
    BAD_REFERENCES,
    ids=[case[3] + ":" + case[4].split(" ")[1] for case in BAD_REFERENCES],
)
def test_bad_reference_fails_with_file_line_path_and_id(
    demo_url: str, tmp_path: Path, file: str, before: str, after: str, path: str, message: str
) -> None:
    folder = shutil.copytree(DEMO_CATALOG, tmp_path / "catalog")
    target = folder / file
    original = target.read_text()
    assert before in original
    edited = original.replace(before, after, 1)
    target.write_text(edited)
    # A valid new resource in the same apply must not be written either.
    (folder / "channels" / "new.yaml").write_text("kind: Channel\nid: new\nowner: data-team\n")
    line = edited[: edited.index(after)].count("\n") + 1 + after.count("\n") * (path == "subject")
    rows_before, epoch_before = counts(demo_url), epoch(demo_url)
    code, out, err = Cli(demo_url)("apply", str(folder))
    assert (code, out) == (1, "")
    assert err == f"error: {target}:{line}: {path}: {message}\n1 problem, nothing written\n"
    assert counts(demo_url) == rows_before
    assert epoch(demo_url) == epoch_before


def test_every_problem_is_reported_at_once(demo_url: str, tmp_path: Path) -> None:
    folder = shutil.copytree(DEMO_CATALOG, tmp_path / "catalog")
    store = folder / "stores" / "warehouse.yaml"
    store.write_text(store.read_text().replace("data-team", "nobody").replace("erin", "noone"))
    code, _, err = Cli(demo_url)("apply", str(folder))
    assert code == 1
    assert err.splitlines() == [
        f"error: {store}:8: owner: unknown team 'nobody'",
        f"error: {store}:9: steward: unknown person 'noone'",
        "2 problems, nothing written",
    ]


KINDS = "Team, Domain, Recipient, Store, Channel, Event, Service, Policy"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "kind: Channel\nid: x\nretention: 7 days\n",
            "3: retention: Value error, '7 days' is not an ISO-8601 duration (such as P7D or "
            "PT12H) or 'infinite' (got '7 days')",
        ),
        ("kind: Channel\nid: x\ncolour: red\n", "3: colour: unknown key 'colour'"),
        ("kind: Channel\nname: x\n", "1: id: missing required key 'id'"),
        (
            "kind: Widget\nid: x\n",
            f"1: kind: unknown kind 'Widget' (one of {KINDS})",
        ),
        (
            "id: x\n",
            f"1: (document): missing 'kind' (one of {KINDS})",
        ),
        (
            "- just\n- a list\n",
            "1: (document): a catalog document is a mapping with apiVersion, kind and id",
        ),
        (
            "kind: Channel\nid: x\n  bad: [indent\n",
            "3: (document): invalid YAML: mapping values are not allowed",
        ),
        (
            "kind: Service\nid: s\nconsumes:\n- event: shop.OrderPlaced\n  legal_basis: because\n",
            "5: consumes[0].legal_basis: Input should be 'consent', 'contract', "
            "'legal-obligation', 'vital-interests', 'public-task' or 'legitimate-interests' "
            "(got 'because')",
        ),
    ],
)
def test_malformed_documents_name_file_line_and_path(
    demo_url: str, tmp_path: Path, text: str, expected: str
) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text(text)
    code, out, err = Cli(demo_url)("apply", str(file))
    assert (code, out) == (1, "")
    # libyaml and PyYAML word syntax errors differently after the common start.
    assert err.splitlines()[0].startswith(f"error: {file}:{expected}")


def test_duplicate_resources_are_refused(demo_url: str, tmp_path: Path) -> None:
    file = tmp_path / "dup.yaml"
    file.write_text("kind: Channel\nid: x\n---\nkind: Channel\nid: x\n")
    code, _, err = Cli(demo_url)("apply", str(file))
    assert code == 1
    assert err.splitlines()[0] == f"error: {file}:5: id: duplicate Channel 'x', see {file}:2"


def test_a_missing_path_is_an_error(demo_url: str, tmp_path: Path) -> None:
    code, _, err = Cli(demo_url)("apply", str(tmp_path / "nope"))
    assert code == 1
    assert err.splitlines()[0] == f"error: {tmp_path / 'nope'}: (file): no such file or directory"
