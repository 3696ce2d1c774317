"""Plain Whoosh behind the same gunicorn: the baselines served over HTTP.

``create_app``: one WSGI callable, no framework: ``QueryParser("body")``, top 10, ids and
titles as JSON; the baseline for throughput and server memory.

``create_search_only_app``: exactly the calls the in-process baseline times
(benchmarks/baseline.py ``PlainSearch``), the query parsed and the top 10 found,
answering only their document numbers: what plain Whoosh's search alone costs once HTTP
is around it, to set beside the same search in process.

``create_empty_app``: answers ``{}`` without looking at anything: the round trip alone.

Run as ``gunicorn 'benchmarks.plain_app:create_app()'`` with PLAIN_INDEX set.
"""

import json
import os
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs

from whoosh import index as whoosh_index
from whoosh.qparser import QueryParser
from whoosh.searching import Searcher


def create_app() -> Callable:
    def answer(searcher: Searcher, parser: QueryParser, text: str) -> dict:
        results = searcher.search(parser.parse(text), limit=10)
        hits = [{"id": hit["id"], "title": hit.get("title", "")} for hit in results]
        return {"total": len(results), "hits": hits}

    return _whoosh_app(answer)


def create_search_only_app() -> Callable:
    def answer(searcher: Searcher, parser: QueryParser, text: str) -> dict:
        results = searcher.search(parser.parse(text), limit=10)
        return {"docnums": [hit.docnum for hit in results]}

    return _whoosh_app(answer)


def create_empty_app() -> Callable:
    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]

    return app


def _whoosh_app(answer: Callable[[Searcher, QueryParser, str], dict]) -> Callable:
    ix = whoosh_index.open_dir(os.environ["PLAIN_INDEX"])
    parser = QueryParser("body", ix.schema)
    searchers = {}

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        # One searcher per worker process, opened on its first request.
        if os.getpid() not in searchers:
            searchers[os.getpid()] = ix.searcher()
        text = parse_qs(environ.get("QUERY_STRING", "")).get("q", [""])[0]
        body = json.dumps(answer(searchers[os.getpid()], parser, text)).encode("utf-8")
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]

    return app
