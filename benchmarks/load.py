"""Client-side measurements against a running server: request latency, and wrk under load."""

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.server import Server

CONNECTIONS = 16
THREADS = 2
DURATION_SECONDS = 30
# wrk runs this Lua: each request takes the next path of the list, round and round.
_SCRIPT = """
local paths = {%s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d %%d %%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""
_RESULT_FIELDS = (
    "requests",
    "micros",
    "p50",
    "p99",
    "connect",
    "read",
    "write",
    "status",
    "timeout",
)


@dataclass(frozen=True)
class Answer:
    status: int
    seconds: float
    body: bytes


@dataclass(frozen=True)
class LoadResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int


def get(server: Server, path: str) -> Answer:
    """One request on a new connection (gunicorn's sync workers close each one)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(server.host, server.port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return Answer(response.status, time.perf_counter() - started, body)


def wrk_installed() -> str:
    """The path of Debian's wrk, installed first when missing (needs root and apt)."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit("the throughput benchmark needs Debian's wrk: apt-get install wrk")
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
    return shutil.which("wrk") or sys.exit("apt-get installed wrk but it is not on PATH")


def run_wrk(
    server: Server, paths: list[str], script: Path, seconds: int = DURATION_SECONDS
) -> LoadResult:
    """wrk with 16 connections for ``seconds``, cycling through ``paths``."""
    script.write_text(_SCRIPT % ", ".join(json.dumps(path) for path in paths), "utf-8")
    command = [
        wrk_installed(),
        f"--threads={THREADS}",
        f"--connections={CONNECTIONS}",
        f"--duration={seconds}s",
        f"--script={script}",
        f"http://{server.host}:{server.port}",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = re.search(r"^RESULT ([\d ]+)$", output, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    result = dict(zip(_RESULT_FIELDS, map(int, found.group(1).split()), strict=True))
    return LoadResult(
        requests_per_second=result["requests"] / (result["micros"] / 1e6),
        p50_ms=result["p50"] / 1000,
        p99_ms=result["p99"] / 1000,
        non_2xx=result["status"],
        socket_errors=sum(result[key] for key in ("connect", "read", "write", "timeout")),
    )
