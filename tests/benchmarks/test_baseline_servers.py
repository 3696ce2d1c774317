"""The speed benchmark's baselines: plain Whoosh in process, and the servers of the HTTP floor."""

import json
import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from werkzeug.test import Client
from whoosh import index as whoosh_index
from whoosh.qparser import QueryParser

from benchmarks import speed
from benchmarks.baseline import PlainSearch
from benchmarks.plain_app import create_empty_app, create_search_only_app
from benchmarks.server import Server

QUERIES = ["speech", "speech recognition", "machine learning", '"deep learning"', "nothingatall"]


def _docnums(index_dir, text: str) -> list[int]:
    ix = whoosh_index.open_dir(str(index_dir))
    with ix.searcher() as searcher:
        results = searcher.search(QueryParser("body", ix.schema).parse(text), limit=10)
        return [hit.docnum for hit in results]


def test_search_only_server_makes_the_in_process_baselines_calls(sample_index, monkeypatch):
    monkeypatch.setenv("PLAIN_INDEX", str(sample_index))
    client = Client(create_search_only_app())
    found_any = False
    for text in QUERIES:
        response = client.get("/", query_string={"q": text})
        assert response.status_code == 200
        docnums = json.loads(response.get_data())["docnums"]
        assert docnums == _docnums(sample_index, text)
        found_any = found_any or bool(docnums)
    assert found_any


def test_empty_app_answers_an_empty_object():
    response = Client(create_empty_app()).get("/api/search", query_string={"q": "speech"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert json.loads(response.get_data()) == {}


def test_plain_search_times_each_text_once(sample_index):
    plain = PlainSearch(sample_index)
    try:
        timings = plain.seconds(QUERIES)
    finally:
        plain.close()
    assert len(timings) == len(QUERIES)
    assert all(seconds > 0 for seconds in timings)


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def empty_server():
    httpd = make_server("127.0.0.1", 0, create_empty_app(), handler_class=_Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield Server("127.0.0.1", httpd.server_port, 0)
    httpd.shutdown()
    httpd.server_close()


class _Logged(PlainSearch):
    """Plain search that notes which query texts it was given, in order."""

    def __init__(self, index_dir, log: list):
        super().__init__(index_dir)
        self.log = log

    def seconds(self, texts, pause=0.0):
        if texts:  # (not the warm-up, which is empty here)
            self.log.append(("plain", list(texts)))
        return super().seconds(texts, pause)


def test_timed_requests_alternate_with_plain_search_block_by_block(
    sample_index, empty_server, monkeypatch
):
    monkeypatch.setattr(speed, "BLOCK", 2)
    paths = [f"/api/search?q=speech+{n}" for n in range(5)]
    log: list = []
    requested = []
    real_get = speed.load.get

    def get(running, path):
        requested.append(path)
        log.append(("ours", path))
        return real_get(running, path)

    monkeypatch.setattr(speed.load, "get", get)
    plain = _Logged(sample_index, log)
    try:
        answers, (plain_seconds,) = speed._timed(empty_server, paths, (plain,))
    finally:
        plain.close()
    assert plain.closed
    assert [answer.status for answer in answers] == [200] * 5
    assert requested == paths
    assert len(plain_seconds) == 5
    # Blocks of two: plain first, then ours; ours, then plain; plain, then ours.
    kinds = [entry[0] for entry in log]
    assert kinds == ["plain", "ours", "ours", "ours", "ours", "plain", "plain", "ours"]
    texts = [text for kind, texts in log if kind == "plain" for text in texts]
    assert texts == [f"speech {n}" for n in range(5)]


def _served(seconds: list[float], *beside: list[float]) -> speed.Served:
    no_load = speed.load.LoadResult(0.0, 0.0, 0.0, 0, 0)
    return speed.Served(seconds, 0, 0.0, 0.0, no_load, 0.0, beside)


def test_the_p50_target_is_judged_against_plain_whoosh_on_the_naive_index():
    ms = 0.001
    # Ours 3 ms; plain Whoosh 2.5 ms on the naive index, 1.9 ms on ours: 1.2x of the
    # first (a pass), 1.58x of the second (a miss), so the verdict shows which one counts.
    ours = _served([3 * ms] * 9, [2.5 * ms] * 9, [1.9 * ms] * 9)
    plain_app = _served([4 * ms] * 9, [2.4 * ms] * 9)
    floors = [
        speed.Floor([2.8 * ms] * 9, [2.2 * ms] * 9),
        speed.Floor([0.5 * ms] * 9, [2 * ms] * 9),
    ]
    rows = {row.measure.strip(): row for row in speed._latency_rows("10k", ours, plain_app, floors)}
    judged = rows["/api/search p50, ms (answers worked out)"]
    assert judged.baseline == pytest.approx(2.5)
    assert judged.passed is True
    assert rows["p50 vs plain Whoosh on our index, ms"].baseline == pytest.approx(1.9)
    assert rows["plain app (ids, titles, total) over HTTP, p50 ms"].baseline == pytest.approx(2.4)
    assert rows["plain search alone over HTTP, p50 ms"].ours == pytest.approx(2.8)
    assert rows["plain search alone over HTTP, p50 ms"].baseline == pytest.approx(2.2)
    assert rows["do-nothing app over HTTP, p50 ms"].ours == pytest.approx(0.5)
