"""Real pages nobody here wrote, for benchmarks: Debian's Python 3.11 manual."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

PYTHON_DOC = Path("/usr/share/doc/python3.11/html")


def python_manual() -> Path:
    """The manual's HTML folder, installing Debian's python3.11-doc first if needed."""
    if not (PYTHON_DOC / "index.html").exists():
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            sys.exit("benchmarks need Debian's python3.11-doc: apt-get install python3.11-doc")
        subprocess.run(["apt-get", "update", "-q"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "python3.11-doc"], check=True)
    return PYTHON_DOC


def manual_pages(limit: int | None = None) -> list[Path]:
    pages = sorted(python_manual().rglob("*.html"))
    return pages[:limit] if limit else pages
