"""What CI users copy: the example repository's walk-through, the action and the hooks."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.cli.helpers import GitRepo, Run

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "schemas-repo"


def _example_repo(tmp_path: Path) -> GitRepo:
    shutil.copytree(EXAMPLE, tmp_path / "shop")
    repo = GitRepo(tmp_path / "shop")
    repo.commit("schemas v1")
    return repo


def test_walkthrough_passes_unchanged_and_compatible_and_fails_breaking(
    tmp_path: Path, evcat_process: Run
) -> None:
    repo = _example_repo(tmp_path)
    assert evcat_process("check", "--against", "main", cwd=repo.root).returncode == 0
    target = repo.root / "schemas/orders/order_placed.avsc"
    target.write_text((repo.root / "changes/order_placed.compatible.avsc").read_text())
    assert evcat_process("check", "--against", "main", cwd=repo.root).returncode == 0
    target.write_text((repo.root / "changes/order_placed.breaking.avsc").read_text())
    done = evcat_process("check", "--against", "main", "--format", "github", cwd=repo.root)
    assert done.returncode == 1
    assert "file=schemas/orders/order_placed.avsc,line=10," in done.stdout


def test_action_gate_step_reports_and_records_the_exit_code(tmp_path: Path) -> None:
    repo = _example_repo(tmp_path)
    breaking = repo.root / "changes/customer_registered.breaking.json"
    (repo.root / "schemas/customers/customer_registered.json").write_text(breaking.read_text())
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    [gate] = [step for step in action["runs"]["steps"] if step.get("id") == "gate"]
    outputs = tmp_path / "github-output"
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("EVCAT_")},
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "AGAINST": "main",
        "PATHS": "",
        "LEVEL": "",
        "SARIF_FILE": str(tmp_path / "evcat.sarif"),
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_OUTPUT": str(outputs),
    }
    done = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", gate["run"]],
        cwd=repo.root,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("::error file=schemas/customers/customer_registered.json,")
    recorded = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    assert recorded["exit-code"] == "1"
    assert Path(recorded["report"]).read_text().startswith("<!-- evcat-check -->")
    assert (tmp_path / "evcat.sarif").read_text().lstrip().startswith("{")


def test_pre_commit_hooks_run_as_declared(tmp_path: Path) -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    repo = _example_repo(tmp_path)
    shipment = "protos/acme/shipping/shipment_dispatched.proto"
    breaking = (repo.root / "changes/shipment_dispatched.breaking.proto").read_text()
    (repo.root / shipment).write_text(breaking)
    bin_dir = Path(sys.executable).parent
    for hook_id, files in (("evcat-check", []), ("evcat-check-files", [shipment])):
        command = shlex.split(hooks[hook_id]["entry"])
        command[0] = str(bin_dir / command[0])
        passed = files if hooks[hook_id]["pass_filenames"] else []
        done = subprocess.run(
            [*command, *passed], cwd=repo.root, capture_output=True, text=True, check=False
        )
        assert done.returncode == 1, (hook_id, done.stdout, done.stderr)
