"""uvicorn servers in subprocesses: start, wait for the first answer, read their memory, stop."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

import httpx

from bench.machine import usable_cpus

ROOT = Path(__file__).resolve().parent.parent
EVCAT_APP = "evcat.app:app_from_env"
BASELINE_APP = "bench.baseline_app:app_from_env"


class BenchError(RuntimeError):
    """A benchmark could not run (a tool is missing, a server did not start...)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Pinning:
    """Which CPU the server gets and which the load generator gets, when there are two."""

    def __init__(self) -> None:
        cpus = usable_cpus()
        self.server_cpus = cpus[:1] if len(cpus) > 1 else cpus
        self.client_cpus = cpus[1:] if len(cpus) > 1 else cpus
        self.taskset = shutil.which("taskset")

    @property
    def separate(self) -> bool:
        return self.server_cpus != self.client_cpus

    def describe(self) -> str:
        if not self.separate:
            return "one usable CPU: server and load generator share it"
        tool = "taskset" if self.taskset else "sched_setaffinity"
        server, client = _cpu_list(self.server_cpus), _cpu_list(self.client_cpus)
        return f"server on CPU {server}, load generator on CPU {client} ({tool})"

    def prefix(self, cpus: list[int]) -> list[str]:
        """A command prefix running a program on ``cpus`` (empty when pinning is pointless)."""
        if not self.separate or not self.taskset:
            return []
        return [self.taskset, "-c", _cpu_list(cpus)]

    def pin_after_spawn(self, pid: int, cpus: list[int]) -> None:
        if self.separate and not self.taskset:
            os.sched_setaffinity(pid, cpus)


def _cpu_list(cpus: list[int]) -> str:
    return ",".join(str(cpu) for cpu in cpus)


class Server:
    """One uvicorn process (one worker) serving ``app`` from a factory; a context manager."""

    def __init__(self, app: str, env: Mapping[str, str], log_path: Path, pinning: Pinning) -> None:
        self.app = app
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **env}
        self.log_path = log_path
        self.pinning = pinning
        self.process: subprocess.Popen[bytes] | None = None
        self.spawned_at = 0.0

    def command(self) -> list[str]:
        # The same settings for evcat and the baseline: one worker, uvicorn's default loop and
        # HTTP parser (uvloop and httptools when installed, as for `evcat serve`), no access log.
        return [
            *self.pinning.prefix(self.pinning.server_cpus),
            sys.executable,
            "-m",
            "uvicorn",
            self.app,
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            "--no-access-log",
        ]

    def start(self) -> Server:
        with self.log_path.open("wb") as log:
            self.spawned_at = time.perf_counter()
            self.process = subprocess.Popen(
                self.command(), cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self.pinning.pin_after_spawn(self.process.pid, self.pinning.server_cpus)
        return self

    def wait_for(self, path: str, timeout: float = 60.0) -> float:
        """Poll ``path`` until it answers 200; seconds from spawn to that first answer."""
        deadline = time.perf_counter() + timeout
        with httpx.Client(base_url=self.base_url, timeout=5.0) as client:
            while time.perf_counter() < deadline:
                self._check_alive()
                try:
                    response = client.get(path)
                except httpx.TransportError:
                    time.sleep(0.005)
                    continue
                if response.status_code == 200:
                    return time.perf_counter() - self.spawned_at
                time.sleep(0.005)
        raise BenchError(
            f"{self.app} did not answer {path} within {timeout:.0f} s{self._log_tail()}"
        )

    @property
    def pid(self) -> int:
        assert self.process is not None, "start the server first"
        return self.process.pid

    def rss_mib(self) -> float:
        """Resident memory of the server process (VmRSS), in MiB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise BenchError(f"no VmRSS for process {self.pid}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _check_alive(self) -> None:
        assert self.process is not None
        if self.process.poll() is not None:
            raise BenchError(
                f"{self.app} exited with status {self.process.returncode}{self._log_tail()}"
            )

    def _log_tail(self) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()[-20:]
        except OSError:
            return ""
        return "\n--- server log (last lines) ---\n" + "\n".join(lines) if lines else ""

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
