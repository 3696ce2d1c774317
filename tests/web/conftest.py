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


@pytest.fixture(scope="module")
def base_url(sample_index, serve) -> str:
    """The app over the sample corpus; a test module may serve another index instead."""
    return serve(sample_index)


@pytest.fixture
def open_page(browser, base_url):
    """Opens a page in a fresh browser context (``new_context`` options), closed afterwards."""
    contexts = []

    def open_page(**options):
        options = {"viewport": {"width": 1280, "height": 900}, **options}
        context = browser.new_context(base_url=base_url, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page):
    return open_page()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where browser tests leave screenshots for people to look at."""
    folder = Path(__file__).resolve().parents[2] / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder
