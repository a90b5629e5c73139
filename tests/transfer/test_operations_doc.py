"""The commands of docs/operations.md's migration and backup sections run as written.

Only the host names change: ``confluent:8081`` becomes a live source registry and
``evcat:8081`` a live evcat; the Kafka dump commands are replaced by the file they would write.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from evcat.settings import Settings
from tests.conftest import LiveServer
from tests.transfer.conftest import listing
from tests.transfer.dumps import topic_of

DOC = Path(__file__).resolve().parents[2] / "docs" / "operations.md"
BIN = Path(sys.executable).parent


def section(title: str) -> str:
    text = DOC.read_text()
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else len(text)]


def commands(title: str) -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", section(title), flags=re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def run(line: str, cwd: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("EVCAT_")}
    environment |= {
        "PATH": f"{BIN}:{environment['PATH']}",
        "SR_KEY": "key",
        "SR_SECRET": "secret",
        "EVCAT_TOKEN": "token",
    }
    done = subprocess.run(
        ["bash", "-c", line], cwd=cwd, env=environment, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"


def test_the_migration_commands_run_as_written(source_url: str, tmp_path: Path) -> None:
    (tmp_path / "var").mkdir()
    with LiveServer(Settings(db_url=f"sqlite:///{tmp_path / 'target.db'}")) as target:
        for line in commands("Migration from Confluent"):
            if line.startswith(("kcat ", "kafka-console-consumer ")):
                (tmp_path / "schemas.jsonl").write_bytes(topic_of(source_url))
                continue
            line = line.replace("http://confluent:8081", source_url)
            run(line.replace("http://evcat:8081", target.url), tmp_path)
        assert listing(target.url) == listing(source_url)


def test_the_backup_commands_run_as_written(source_url: str, tmp_path: Path) -> None:
    (tmp_path / "var").mkdir()
    run(f"evcat import --from-registry {source_url} --db sqlite:///var/evcat.db", tmp_path)
    lines = commands("Backup and restore")
    assert lines[-1] == "cmp backup.jsonl check.jsonl"
    for line in lines:
        run(line, tmp_path)
