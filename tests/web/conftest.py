"""Browser-test fixtures: Debian's Chromium through Playwright, and the app on a local port."""

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from web import create_app

CHROMIUM = Path("/usr/bin/chromium")
# Headless, and quiet: this machine's network is closed, so no background traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    """Chromium, or a skip that says why; under CI=true a missing browser is a failure."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(
                "CI=true but /usr/bin/chromium is missing: CI must install Debian's chromium "
                "with `make browser` (as root) before the tests",
                pytrace=False,
            )
        pytest.skip(
            "Debian's chromium is not installed (/usr/bin/chromium); `make browser` "
            "installs it as root"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[[Path], str]]:
    """Serve the app over an index on 127.0.0.1 (an ephemeral port); returns its base URL."""
    servers = []

    def start(index_dir: Path) -> str:
        server = make_server(
            "127.0.0.1", 0, create_app({"INDEX_DIR": str(index_dir)}), threaded=True
        )
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server, thread in servers:
        server.shutdown()
        thread.join(timeout=10)
