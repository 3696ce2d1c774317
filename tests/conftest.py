"""Shared fixtures: the real seed documents, the sample corpus, an index built from it, and a
WordPress REST API on 127.0.0.1 that serves copies of the real group page."""

import contextlib
import copy
import json
import math
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from index.reindex import reindex
from index.taxonomy import Taxonomy, load_taxonomy
from web import create_app

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = PROJECT_ROOT / "samples"
GROUP_SEED = SAMPLES / "wordpress" / "000_c57470cbdd08430c.txt"
ARTICLE_SEED = SAMPLES / "articles" / "002_2617209aba1bfd98.txt"


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    return load_taxonomy()


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory, taxonomy) -> Path:
    """An index of the whole sample corpus, shared read-only by tests that only search."""
    index_dir = tmp_path_factory.mktemp("sample-index")
    report = reindex(index_dir, taxonomy, [str(SAMPLES)])
    assert not report.failed, report.failed
    return index_dir


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A private, writable copy of the sample corpus, for tests that change files."""
    target = tmp_path / "corpus"
    shutil.copytree(SAMPLES, target)
    return target


@pytest.fixture(scope="session")
def app(sample_index):
    return create_app({"INDEX_DIR": str(sample_index), "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def samples() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def group_seed() -> Path:
    """Real: the Deep Learning Group page from the MSR WordPress REST API."""
    return GROUP_SEED


@pytest.fixture(scope="session")
def article_seed() -> Path:
    """Real: a plain-text news article with newsletter and comment boilerplate."""
    return ARTICLE_SEED


# The site's research areas, as /wp-json/wp/v2/research-area returns them (names HTML-escaped).
# 13547 is known only to the site, not to the table the project ships.
SITE_AREAS = {
    13561: ("Algorithms", "algorithms"),
    13556: ("Artificial intelligence", "artificial-intelligence"),
    13562: ("Computer vision", "computer-vision"),
    13545: ("Human language technologies", "human-language-technologies"),
    13553: ("Medical, health &amp; genomics", "medical-health-genomics"),
    13547: ("Systems &amp; networking", "systems-networking"),
}
PAST_THE_END = {
    "code": "rest_post_invalid_page_number",
    "message": "The page number requested is larger than the number of pages available.",
    "data": {"status": 400},
}


@dataclass
class Answer:
    """A canned answer; ``length`` announces more bytes than ``body`` has (a broken transfer)."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    length: int | None = None
    delay: float = 0.0


@dataclass
class Request:
    route: str
    query: dict
    user_agent: str
    at: float


class WordPressSite:
    """Posts made from the real group page, served page by page like WordPress does.

    ``answers[(route, page)]`` lists canned answers given before the real one (one each);
    ``broken[(route, page)]`` is given every time.
    """

    def __init__(self, posts: list[dict]):
        self.posts = posts
        self.terms = [research_area_term(term_id) for term_id in SITE_AREAS]
        self.requests: list[Request] = []
        self.answers: dict[tuple[str, int], list[Answer]] = {}
        self.broken: dict[tuple[str, int], Answer] = {}
        self.total_headers = True
        # WordPress answers 400 past the last page; some caching layers answer [].
        self.empty_past_the_end = False
        self.terms_per_page = 100
        self.url = ""

    def answer_with(
        self, page: int, status: int, body: bytes = b"", route: str = "msr-group", **details
    ) -> None:
        """Give this answer for the page from now on (``times=N``: only the next N times)."""
        times = details.pop("times", None)
        answer = Answer(status, body, **details)
        if times is None:
            self.broken[(route, page)] = answer
        else:
            self.answers[(route, page)] = [answer] * times

    def repair(self, page: int, route: str = "msr-group") -> None:
        del self.broken[(route, page)]

    def route_url(self, route: str = "msr-group") -> str:
        return f"{self.url}/wp-json/wp/v2/{route}"

    def full_pages(self, route: str = "msr-group") -> list[int]:
        """The pages asked for in full (not the light resume checks), in order."""
        return [
            int(r.query.get("page", 1))
            for r in self.requests
            if r.route == route and "_fields" not in r.query
        ]

    def respond(self, route: str, query: dict) -> Answer:
        page = int(query.get("page", 1))
        canned = self.answers.get((route, page))
        if canned:
            return canned.pop(0)
        if (route, page) in self.broken:
            return self.broken[(route, page)]
        if route == "msr-group":
            return self._list_page(self._posts(query), page, int(query.get("per_page", 10)))
        if route == "research-area":
            per_page = min(int(query.get("per_page", 10)), self.terms_per_page)
            return self._list_page(self.terms, page, per_page)
        no_route = {"code": "rest_no_route", "message": "No route was found", "data": {}}
        return Answer(404, json.dumps(no_route).encode())

    def _posts(self, query: dict) -> list[dict]:
        posts = sorted(self.posts, key=lambda post: post["id"])
        if "_embed" in query:
            posts = [{**post, "_embedded": {"wp:term": [self._terms_of(post)]}} for post in posts]
        if "_fields" in query:
            fields = query["_fields"].split(",")
            posts = [{key: post[key] for key in fields if key in post} for post in posts]
        return posts

    def _terms_of(self, post: dict) -> list[dict]:
        return [term for term in self.terms if term["id"] in post["research-area"]]

    def _list_page(self, items: list, page: int, per_page: int) -> Answer:
        pages = math.ceil(len(items) / per_page)
        if page > max(pages, 1):
            if self.empty_past_the_end:
                return Answer(200, b"[]")
            return Answer(400, json.dumps(PAST_THE_END).encode())
        headers = (("X-WP-Total", str(len(items))), ("X-WP-TotalPages", str(pages)))
        body = json.dumps(items[(page - 1) * per_page : page * per_page]).encode()
        return Answer(200, body, headers if self.total_headers else ())


def research_area_term(term_id: int) -> dict:
    name, slug = SITE_AREAS[term_id]
    return {
        "id": term_id,
        "count": 3,
        "description": "",
        "link": f"https://www.microsoft.com/en-us/research/research-area/{slug}/",
        "name": name,
        "slug": slug,
        "taxonomy": "msr-research-area",
        "parent": 0,
    }


def group_copy(seed: dict, number: int, area_ids: list[int]) -> dict:
    """The real group page as post ``900100 + number``, with its own title and areas."""
    post = copy.deepcopy(seed)
    post["id"] = 900100 + number
    post["title"] = {"rendered": f"Deep Learning Group {number}"}
    post["slug"] = f"deep-learning-group-{number}"
    post["link"] = f"https://www.microsoft.com/en-us/research/group/deep-learning-group-{number}/"
    post["modified_gmt"] = f"2025-10-{number:02d}T20:56:57"
    post["research-area"] = area_ids
    post["class_list"] = [
        entry for entry in seed["class_list"] if not entry.startswith("msr-research-area-")
    ] + [f"msr-research-area-{SITE_AREAS[term_id][1]}" for term_id in area_ids]
    return post


def _handler(site: WordPressSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query))
            route = parts.path.removeprefix("/wp-json/wp/v2/").strip("/")
            agent = self.headers.get("User-Agent", "")
            site.requests.append(Request(route, query, agent, time.monotonic()))
            answer = site.respond(route, query)
            time.sleep(answer.delay)
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(answer.length or len(answer.body)))
            for name, value in answer.headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(answer.body)
            self.close_connection = answer.length is not None

        def log_message(self, *args) -> None:
            pass

    return Handler


@pytest.fixture
def wordpress_site(group_seed) -> Iterator[WordPressSite]:
    """Seven copies of the real group page, two per page at ``per_page=2``, on 127.0.0.1."""
    seed = json.loads(group_seed.read_text("utf-8"))
    areas = [[13561, 13556], [13562], [13545, 13553], [13547], [13556, 13562], [13553], [13561]]
    site = WordPressSite([group_copy(seed, n, ids) for n, ids in enumerate(areas, start=1)])
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    site.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def worker_processes():
    """Lists the processes multiprocessing started (reindex workers and their server), and
    any process running a reindex command: workers forked from a reindex have its command
    line."""

    def running() -> set[int]:
        found = set()
        for entry in Path("/proc").iterdir():
            with contextlib.suppress(OSError):
                line = (entry / "cmdline").read_bytes() if entry.name.isdigit() else b""
                if b"multiprocessing" in line or (b"reindex" in line and b"--index-dir" in line):
                    found.add(int(entry.name))
        return found

    return running
