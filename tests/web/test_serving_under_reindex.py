"""The production server keeps answering while editors reindex: 16 clients for 60 s,
zero errors, and the new documents visible afterwards without a restart."""

import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

CLIENTS = 16
SECONDS = float(os.environ.get("RESEARCH_SEARCH_LOAD_SECONDS", "60"))
BIN = Path(sys.executable).parent
QUERIES = [
    {"q": "deep learning"},
    {"q": '"deep learning"', "sort": "newest"},
    {"q": "quantum", "area": "Quantum computing"},
    {"q": "learning", "kind": ["project", "group"], "per_page": "5", "page": "2"},
    {"q": "lerning"},
    {"q": "neural -vision"},
    {"area": "Computer vision", "year": "2024"},
    {},
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(tmp_path, corpus):
    index_dir = tmp_path / "ix"
    reindex = [str(BIN / "research-search"), "reindex", "--index-dir", str(index_dir)]
    subprocess.run([*reindex, str(corpus)], check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "web:create_app()",
        ],
        env={**os.environ, "RESEARCH_SEARCH_INDEX": str(index_dir)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    yield base, reindex
    process.terminate()
    process.wait(timeout=30)


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        if response.status != 200:
            raise AssertionError(f"{response.status} for {url}")
        return json.load(response)


def hammer(base: str, stop: threading.Event, seed: int, sent: list, errors: list) -> None:
    rng = random.Random(seed)
    while not stop.is_set():
        url = f"{base}/api/search?{urlencode(rng.choice(QUERIES), doseq=True)}"
        try:
            body = get_json(url)
            if body["total"] < len(body["hits"]):
                errors.append(f"inconsistent total for {url}")
        except Exception as error:  # every failure counts, whatever its kind
            errors.append(f"{url}: {error!r}")
        sent.append(1)


def edit_corpus(corpus: Path, step: int) -> None:
    (corpus / f"added-{step}.txt").write_text(f"Added story {step}\n\nDeep learning {step}.\n")
    if step % 3 == 2:
        (corpus / f"added-{step - 1}.txt").unlink()


def test_searches_never_fail_during_reindexes_and_see_new_documents(
    server, corpus, record_property
):
    base, reindex = server
    stop, sent, errors = threading.Event(), [], []
    clients = [
        threading.Thread(target=hammer, args=(base, stop, seed, sent, errors))
        for seed in range(CLIENTS)
    ]
    for client in clients:
        client.start()
    started, reindexes = time.monotonic(), 0
    while time.monotonic() - started < SECONDS:
        edit_corpus(corpus, reindexes)
        full = ["--full"] if reindexes % 4 == 3 else []
        subprocess.run([*reindex, *full], check=True, capture_output=True)
        reindexes += 1
    (corpus / "late.txt").write_text("Zebrafish lanterns glow\n\nA late story.\n")
    subprocess.run(reindex, check=True, capture_output=True)
    stop.set()
    for client in clients:
        client.join()
    record_property("requests", len(sent))
    record_property("reindexes", reindexes + 1)
    record_property("errors", len(errors))
    assert errors == [], errors[:5]
    assert reindexes >= 10 and len(sent) > CLIENTS * 10
    for _ in range(6):  # both workers, without a restart
        found = get_json(f"{base}/api/search?q=zebrafish+lanterns")
        assert [hit["title"] for hit in found["hits"]] == ["Zebrafish lanterns glow"]
