"""Fixtures for the CLI: live registries (one open, one with sign-in), git repos, runners.

The CLI is tested against SQLite only: the registry's behaviour on PostgreSQL is covered by
tests/registry, and the CLI sees nothing but HTTP. The servers live for the whole session;
tests keep out of each other's way by using subjects of their own (the ``subject`` fixture).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner, Result

from evcat.cli.main import app
from evcat.settings import Settings
from tests.cli.helpers import GitRepo, Invoke, Run
from tests.conftest import LiveServer

EVCAT = Path(sys.executable).with_name("evcat")
USER, PASSWORD, TOKEN = "ci", "s3cret", "t0ken"
READER, READER_PASSWORD = "reader", "r3ad"


def _auth_file(path: Path) -> Path:
    """The auth file the guarded registry reads: ci and the token may do anything, reader may
    only read."""
    from evcat.auth.hashing import hash_password, token_digest

    document = {
        "users": [
            {"name": USER, "password_hash": hash_password(PASSWORD), "groups": ["platform"]},
            {"name": READER, "password_hash": hash_password(READER_PASSWORD)},
        ],
        "tokens": [
            {"name": "ci-token", "token_sha256": token_digest(TOKEN), "groups": ["platform"]}
        ],
        "bindings": [
            {"groups": ["platform"], "role": "admin"},
            {"users": ["*"], "role": "reader"},
        ],
    }
    path.write_text(yaml.safe_dump(document))
    return path


@pytest.fixture(scope="session")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live evcat on a fresh SQLite database, shared by the session."""
    database = tmp_path_factory.mktemp("registry") / "evcat.db"
    with LiveServer(Settings(db_url=f"sqlite:///{database}")) as served:
        yield served.url


@pytest.fixture(scope="session")
def guarded_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live evcat with sign-in: ci:s3cret or the bearer token t0ken write, reader reads."""
    folder = tmp_path_factory.mktemp("guarded")
    settings = Settings(
        db_url=f"sqlite:///{folder / 'evcat.db'}", auth_config=_auth_file(folder / "auth.yaml")
    )
    with LiveServer(settings) as served:
        yield served.url


@pytest.fixture
def subject() -> str:
    """A subject name no other test uses."""
    return f"orders-{uuid.uuid4().hex[:8]}-value"


@pytest.fixture(autouse=True)
def no_ambient_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests say every setting they rely on; none leaks in from the developer's shell."""
    for name in ("EVCAT_URL", "EVCAT_USER", "EVCAT_PASSWORD", "EVCAT_TOKEN", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def evcat() -> Invoke:
    """Run ``evcat ARGS...`` in process through Typer's runner; stdout and stderr apart."""
    runner = CliRunner()

    def invoke(*args: str | Path, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, [str(a) for a in args], env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def evcat_process(tmp_path: Path) -> Run:
    """Run the installed ``evcat`` script as a real process."""

    def run(
        *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("EVCAT_")}
        environment.update(env or {})
        return subprocess.run(
            [str(EVCAT), *map(str, args)],
            cwd=cwd or tmp_path,
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    return run


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """An empty git repository, and the current directory inside it."""
    root = tmp_path / "repo"
    root.mkdir()
    monkeypatch.chdir(root)
    return GitRepo(root)
