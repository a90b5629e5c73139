"""CSV reports never hand a spreadsheet a formula: a cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is prefixed with ``'`` (OWASP CSV injection), over HTTP and
in the CLI."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from evcat.gdpr.render import FORMULA_STARTS, to_csv
from evcat.settings import Settings
from tests.catalog.conftest import Cli
from tests.conftest import LiveServer

FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_each_formula_start_is_quoted(start: str) -> None:
    text = to_csv([{"a": f"{start}1+1", "b": "plain"}], ["a", "b"])
    assert list(csv.reader(io.StringIO(text, newline="")))[1] == [f"'{start}1+1", "plain"]


def _poison_a_team(client: httpx.Client) -> None:
    # Every team's only contact becomes a chat handle a spreadsheet reads as a formula.
    documents = client.get("/v1/catalog/export").json()
    for team in (doc for doc in documents if doc["kind"] == "Team"):
        team = {key: value for key, value in team.items() if key != "email"}
        answer = client.post("/v1/catalog/apply", json=team | {"name": FORMULA, "chat": "@evil"})
        assert answer.status_code == 200, answer.text


def test_where_report_csv_over_http_neutralises_formulas(demo_url: str) -> None:
    with (
        LiveServer(Settings(db_url=demo_url)) as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        _poison_a_team(client)
        answer = client.get("/v1/gdpr/where", params={"category": "name", "format": "csv"})
        assert answer.status_code == 200, answer.text
        cells = [cell for row in csv.reader(io.StringIO(answer.text)) for cell in row]
        assert f"'{FORMULA}" in cells or "'@evil" in cells, answer.text
        assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]


def test_where_report_csv_in_the_cli_neutralises_formulas(demo_url: str, cli: Cli) -> None:
    with (
        LiveServer(Settings(db_url=demo_url)) as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        _poison_a_team(client)
    code, out, _ = cli("gdpr", "where", "--category", "name", "-o", "csv")
    assert code == 0
    cells = [cell for row in csv.reader(io.StringIO(out)) for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert "'@evil" in cells or f"'{FORMULA}" in cells
