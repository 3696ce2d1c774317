"""The naive baseline: BeautifulSoup's get_text() into a plain Whoosh index, and its search.

Exactly what the issue names: ``BeautifulSoup(html, "lxml").get_text()`` (for WordPress
JSON, of ``content.rendered``), one Whoosh writer with a simple schema (id, title, body as
TEXT with the default analyzer), and ``QueryParser("body")`` + ``search(limit=10)``.
"""

import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bs4 import BeautifulSoup
from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import QueryParser

from benchmarks.cpu import CpuClock
from index.scan import list_files


@dataclass(frozen=True)
class BuildTimes:
    documents: int
    seconds: float
    reading_seconds: float
    writing_seconds: float
    cpu_seconds: float


def plain_schema() -> Schema:
    return Schema(id=ID(stored=True, unique=True), title=TEXT(stored=True), body=TEXT)


def naive_documents(corpus: Path) -> Iterator[dict]:
    """Every document of the corpus as id, title and get_text() body."""
    for path in list_files([str(corpus)]):
        data = path.read_bytes()
        if path.suffix == ".json":
            for item in json.loads(data):
                yield {
                    "id": f"{path}#{item['id']}",
                    "title": item["title"]["rendered"],
                    "body": BeautifulSoup(item["content"]["rendered"], "lxml").get_text(),
                }
        else:
            soup = BeautifulSoup(data, "lxml")
            title = soup.title.get_text() if soup.title else ""
            yield {"id": str(path), "title": title, "body": soup.get_text()}


def build_naive_index(corpus: Path, index_dir: Path) -> BuildTimes:
    """Index the corpus naively, timing reading+extraction apart from index writing."""
    with CpuClock() as cpu:
        times = _build_naive_index(corpus, index_dir)
    return replace(times, cpu_seconds=cpu.seconds)


def _build_naive_index(corpus: Path, index_dir: Path) -> BuildTimes:
    started = time.perf_counter()
    index_dir.mkdir(parents=True, exist_ok=True)
    writer = whoosh_index.create_in(str(index_dir), plain_schema()).writer()
    reading = writing = 0.0
    count = 0
    documents = naive_documents(corpus)
    while True:
        mark = time.perf_counter()
        fields = next(documents, None)
        reading += time.perf_counter() - mark
        if fields is None:
            break
        mark = time.perf_counter()
        writer.add_document(**fields)
        writing += time.perf_counter() - mark
        count += 1
    mark = time.perf_counter()
    writer.commit()
    writing += time.perf_counter() - mark
    return BuildTimes(count, time.perf_counter() - started, reading, writing, 0.0)


class PlainSearch:
    """Plain Whoosh's search-only time, on a searcher opened once (and warmed up with the
    ``warm_up`` texts): ``QueryParser("body")`` and ``search(limit=10)``, each query text
    timed once."""

    def __init__(self, index_dir: Path, warm_up: Sequence[str] = ()):
        self._ix = whoosh_index.open_dir(str(index_dir))
        self._parser = QueryParser("body", self._ix.schema)
        self._searcher = self._ix.searcher()
        self.seconds(list(warm_up))  # (the first search reads much from disk)

    def seconds(self, texts: list[str], pause: float = 0.0) -> list[float]:
        """Each text's time (``pause`` seconds before each: see benchmarks/in_process.py)."""
        timings = []
        for text in texts:
            time.sleep(pause)
            started = time.perf_counter()
            self._searcher.search(self._parser.parse(text), limit=10)
            timings.append(time.perf_counter() - started)
        return timings

    @property
    def closed(self) -> bool:
        return self._searcher.is_closed

    def close(self) -> None:
        self._searcher.close()


def plain_search_seconds(index_dir: Path, texts: list[str], pause: float = 0.0) -> list[float]:
    """Search-only time of each query text, top 10, on a searcher opened beforehand."""
    plain = PlainSearch(index_dir)
    try:
        return plain.seconds(texts, pause)
    finally:
        plain.close()
