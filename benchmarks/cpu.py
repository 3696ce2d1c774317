"""CPU seconds used by this process and every process it starts, while a block runs.

Wall time on a shared 2-core machine moves with whatever else runs; CPU time moves much
less, so the reindex rows print both. Some worker processes are not children of the
process that asks for them (those that fork from multiprocessing's forkserver, itself a
child), so the tree of descendants is polled in /proc, each one's last reading kept
after it exits.
"""

import os
import threading
import time
from pathlib import Path

POLL_SECONDS = 0.05
_TICKS = os.sysconf("SC_CLK_TCK")


class CpuClock:
    """``with CpuClock() as clock: ...``, then ``clock.seconds``."""

    def __init__(self):
        self._root = os.getpid()
        self._start: dict[int, float] = {}
        self._last: dict[int, float] = {}
        self._running = False
        self._thread = threading.Thread(target=self._poll_until_stopped, daemon=True)

    def __enter__(self) -> "CpuClock":
        self._start = _tree_cpu(self._root)
        self._last = dict(self._start)
        self._running = True
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._running = False
        self._thread.join()
        self._poll()

    @property
    def seconds(self) -> float:
        return sum(used - self._start.get(pid, 0.0) for pid, used in self._last.items())

    def _poll_until_stopped(self) -> None:
        while self._running:
            self._poll()
            time.sleep(POLL_SECONDS)

    def _poll(self) -> None:
        for pid, used in _tree_cpu(self._root).items():
            self._last[pid] = max(self._last.get(pid, 0.0), used)


def _tree_cpu(root: int) -> dict[int, float]:
    """CPU seconds (user + system) of ``root`` and each of its living descendants."""
    used: dict[int, float] = {}
    waiting = [root]
    while waiting:
        pid = waiting.pop()
        seconds = _cpu_seconds(pid)
        if seconds is not None:
            used[pid] = seconds
            waiting += _children(pid)
    return used


def _children(pid: int) -> list[int]:
    found = []
    for task in _listing(Path(f"/proc/{pid}/task")):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _listing(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process, from /proc/PID/stat; None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS
