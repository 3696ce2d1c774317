"""A gunicorn server started for a measurement, as `make serve` runs it, and its memory."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

WORKERS = 2
START_TIMEOUT = 120.0
OURS = "web:create_app()"
PLAIN = "benchmarks.plain_app:create_app()"
PLAIN_SEARCH_ONLY = "benchmarks.plain_app:create_search_only_app()"
EMPTY = "benchmarks.plain_app:create_empty_app()"


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    pid: int


@contextmanager
def gunicorn(app: str, env: dict[str, str], ready_path: str, log: Path) -> Iterator[Server]:
    """Serve ``app`` with gunicorn (2 workers) on a free local port until the block ends."""
    port = _free_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        f"--workers={WORKERS}",
        f"--bind=127.0.0.1:{port}",
        f"--access-logfile={log}",
        app,
    ]
    with open(log.with_suffix(".err"), "wb") as errors:
        process = subprocess.Popen(command, env={**os.environ, **env}, stderr=errors)
    try:
        _wait_until_ready(port, ready_path, process)
        yield Server("127.0.0.1", port, process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_ready(port: int, path: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {path} within {START_TIMEOUT:.0f} s")


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) in MB summed over the process and its children (gunicorn's workers).

    RSS counts pages shared between master and forked workers once per process; PSS
    divides them among the processes sharing them, so it adds up to the real total.
    """
    pids = [pid, *_children(pid)]
    rss = sum(_field_kb(Path(f"/proc/{p}/status"), "VmRSS:") for p in pids)
    pss = sum(_field_kb(Path(f"/proc/{p}/smaps_rollup"), "Pss:") for p in pids)
    return rss / 1024, pss / 1024


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _field_kb(path: Path, name: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(name):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
