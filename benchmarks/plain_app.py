"""Plain Whoosh behind the same gunicorn: the baseline for throughput and server memory.

One WSGI callable, no framework: ``QueryParser("body")``, top 10, ids and titles as JSON.
Run as ``gunicorn 'benchmarks.plain_app:create_app()'`` with PLAIN_INDEX set.
"""

import json
import os
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs

from whoosh import index as whoosh_index
from whoosh.qparser import QueryParser


def create_app() -> Callable:
    ix = whoosh_index.open_dir(os.environ["PLAIN_INDEX"])
    parser = QueryParser("body", ix.schema)
    searchers = {}

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        # One searcher per worker process, opened on its first request.
        if os.getpid() not in searchers:
            searchers[os.getpid()] = ix.searcher()
        searcher = searchers[os.getpid()]
        text = parse_qs(environ.get("QUERY_STRING", "")).get("q", [""])[0]
        results = searcher.search(parser.parse(text), limit=10)
        hits = [{"id": hit["id"], "title": hit.get("title", "")} for hit in results]
        body = json.dumps({"total": len(results), "hits": hits}).encode("utf-8")
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]

    return app
