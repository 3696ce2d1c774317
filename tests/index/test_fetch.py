"""Fetch: a live WordPress list endpoint, page by page, into files that reindex reads."""

import dataclasses
import errno
import itertools
import json
import os

import pytest

from index.errors import EndpointRefused, OutputError
from index.fetch import FetchSettings, fetch_site, write_atomically
from index.polite_http import USER_AGENT, Politeness
from index.reindex import indexed_documents, reindex
from index.store import open_index
from index.taxonomy import load_taxonomy

FAST = FetchSettings(per_page=2, politeness=Politeness(delay=0, retries=2, backoff=0, timeout=5))
CHECK = "id,modified_gmt"
PAGES = [f"msr-group-page-000{n}.json" for n in (1, 2, 3, 4)]


def saved(out):
    return sorted(path.name for path in out.iterdir())


def fetch(site, out, force=False, **politeness):
    settings = FetchSettings(2, force, dataclasses.replace(FAST.politeness, **politeness))
    return fetch_site(site.route_url(), out, settings)


def test_every_page_and_the_research_areas_are_saved(wordpress_site, tmp_path):
    report = fetch(wordpress_site, tmp_path)
    assert saved(tmp_path) == [*PAGES, "research-area.json"]
    assert report.summary_line() == (
        "pages: fetched 4, unchanged 0, removed 0, failed 0; research areas 6"
    )
    pages = [json.loads((tmp_path / name).read_text("utf-8")) for name in PAGES]
    assert [len(page) for page in pages] == [2, 2, 2, 1]


def test_reindex_of_the_fetched_folder_indexes_every_post_with_the_sites_areas(
    wordpress_site, tmp_path
):
    fetch(wordpress_site, tmp_path / "site")
    taxonomy = load_taxonomy(tmp_path / "site" / "research-area.json")
    report = reindex(tmp_path / "ix", taxonomy, [str(tmp_path / "site")])
    assert report.summary_line() == "added 7, updated 0, removed 0, unchanged 0, failed 0"
    docs = indexed_documents(open_index(tmp_path / "ix"))
    assert docs["wp:msr-group:900103"].areas == (
        "Human language technologies",
        "Medical, health & genomics",
    )
    # Known only from the site's own taxonomy, not from the table the project ships.
    assert docs["wp:msr-group:900104"].areas == ("Systems & networking",)
    assert docs["wp:msr-group:900107"].title == "Deep Learning Group 7"


def test_pages_are_asked_for_in_id_order_with_their_terms_embedded(wordpress_site, tmp_path):
    fetch(wordpress_site, tmp_path)
    first = wordpress_site.requests[0]
    assert first.query == {
        "orderby": "id",
        "order": "asc",
        "per_page": "2",
        "page": "1",
        "_embed": "wp:term",
    }
    assert first.user_agent == USER_AGENT
    [page] = json.loads((tmp_path / PAGES[3]).read_text("utf-8"))
    assert [term["name"] for term in page["_embedded"]["wp:term"][0]] == ["Algorithms"]


def test_taxonomy_pages_are_merged_into_one_list(wordpress_site, tmp_path):
    wordpress_site.terms_per_page = 4
    fetch(wordpress_site, tmp_path)
    terms = json.loads((tmp_path / "research-area.json").read_text("utf-8"))
    assert [term["id"] for term in terms] == [13561, 13556, 13562, 13545, 13553, 13547]
    assert wordpress_site.full_pages("research-area") == [1, 2]


def test_second_run_checks_saved_pages_cheaply_and_fetches_none(wordpress_site, tmp_path):
    fetch(wordpress_site, tmp_path)
    wordpress_site.requests.clear()
    report = fetch(wordpress_site, tmp_path)
    assert report.unchanged == [tmp_path / name for name in PAGES]
    assert report.fetched == []
    assert wordpress_site.full_pages() == []
    checks = [r.query for r in wordpress_site.requests if r.route == "msr-group"]
    assert {query["_fields"] for query in checks} == {"id,modified_gmt"}


def test_force_refetches_every_page(wordpress_site, tmp_path):
    fetch(wordpress_site, tmp_path)
    wordpress_site.requests.clear()
    report = fetch(wordpress_site, tmp_path, force=True)
    assert len(report.fetched) == 4
    assert wordpress_site.full_pages() == [1, 2, 3, 4]


def test_resume_after_a_failed_page_fetches_only_that_page(wordpress_site, tmp_path):
    wordpress_site.answer_with(3, 500, b"{}")
    [error] = fetch(wordpress_site, tmp_path).failed
    assert "page=3" in error.url
    assert error.reason == "HTTP 500, still after 2 retries"
    assert saved(tmp_path) == [PAGES[0], PAGES[1], PAGES[3], "research-area.json"]
    wordpress_site.repair(3)
    wordpress_site.requests.clear()
    second = fetch(wordpress_site, tmp_path)
    assert wordpress_site.full_pages() == [3]
    assert second.fetched == [tmp_path / PAGES[2]]
    assert not second.failed


def test_edited_post_refetches_its_page_only(wordpress_site, tmp_path):
    fetch(wordpress_site, tmp_path)
    wordpress_site.posts[2]["modified_gmt"] = "2026-01-01T00:00:00"
    wordpress_site.posts[2]["title"] = {"rendered": "Renamed group"}
    wordpress_site.requests.clear()
    fetch(wordpress_site, tmp_path)
    assert wordpress_site.full_pages() == [2]
    assert "Renamed group" in (tmp_path / PAGES[1]).read_text("utf-8")


def test_new_post_lands_on_the_last_page_which_alone_is_refetched(
    wordpress_site, group_seed, tmp_path
):
    fetch(wordpress_site, tmp_path)
    newest = {**wordpress_site.posts[0], "id": 900108, "modified_gmt": "2025-12-01T00:00:00"}
    wordpress_site.posts.append(newest)
    wordpress_site.requests.clear()
    fetch(wordpress_site, tmp_path)
    assert wordpress_site.full_pages() == [4]


def test_pages_past_the_sites_new_last_page_are_removed(wordpress_site, tmp_path):
    fetch(wordpress_site, tmp_path)
    del wordpress_site.posts[4:]
    report = fetch(wordpress_site, tmp_path)
    assert report.removed == [tmp_path / PAGES[2], tmp_path / PAGES[3]]
    assert saved(tmp_path) == [PAGES[0], PAGES[1], "research-area.json"]


def test_503_is_retried_after_the_wait_in_retry_after(wordpress_site, tmp_path):
    wordpress_site.answer_with(2, 503, b"busy", headers=(("Retry-After", "1"),), times=1)
    report = fetch(wordpress_site, tmp_path)
    assert not report.failed
    [refused, served] = [r for r in wordpress_site.requests if r.query.get("page") == "2"][:2]
    assert served.at - refused.at >= 0.9


def test_429_is_retried(wordpress_site, tmp_path):
    wordpress_site.answer_with(1, 429, b"slow down", times=2)
    report = fetch(wordpress_site, tmp_path)
    assert not report.failed
    assert wordpress_site.full_pages()[:3] == [1, 1, 1]


def test_404_is_not_retried(wordpress_site, tmp_path):
    wordpress_site.answer_with(2, 404, b'{"code": "rest_post_invalid_id"}')
    report = fetch(wordpress_site, tmp_path)
    assert wordpress_site.full_pages() == [1, 2, 3, 4]
    [error] = report.failed
    assert error.reason == "HTTP 404: rest_post_invalid_id"


def test_answer_slower_than_the_timeout_is_retried(wordpress_site, tmp_path):
    wordpress_site.answer_with(1, 200, b"[]", delay=1.5, times=1)
    report = fetch(wordpress_site, tmp_path, timeout=0.5)
    assert not report.failed
    assert len(report.fetched) == 4


def test_delay_spaces_out_requests(wordpress_site, tmp_path):
    fetch(wordpress_site, tmp_path, delay=0.2)
    times = [request.at for request in wordpress_site.requests]
    assert min(later - earlier for earlier, later in itertools.pairwise(times)) >= 0.19


def test_invalid_json_page_is_named_and_the_others_are_saved(wordpress_site, tmp_path):
    wordpress_site.answer_with(2, 200, b'[{"id": 1,')
    report = fetch(wordpress_site, tmp_path)
    [error] = report.failed
    assert "page=2" in error.url
    assert error.reason.startswith("invalid JSON: ")
    assert saved(tmp_path) == [PAGES[0], PAGES[2], PAGES[3], "research-area.json"]


def test_page_that_is_not_a_json_array_is_named(wordpress_site, tmp_path):
    wordpress_site.answer_with(1, 200, b'{"id": 144931}')
    [error] = fetch(wordpress_site, tmp_path).failed
    assert "page=1" in error.url
    assert error.reason == ("not a JSON array but an object: is this a WordPress list endpoint?")


def test_html_answer_says_it_is_not_a_wordpress_endpoint(wordpress_site, tmp_path):
    wordpress_site.answer_with(1, 200, b"<!DOCTYPE html><title>Blog</title>")
    [error] = fetch(wordpress_site, tmp_path).failed
    assert error.reason == "an HTML page, not JSON: is this a WordPress REST endpoint?"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1/wp-json/wp/v2/msr-group",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "http://127.0.0.1/blog/",
        "http://127.0.0.1/wp-json/msr/v1/groups",
    ],
)
def test_url_that_is_not_a_wordpress_list_endpoint_is_refused(url, tmp_path):
    with pytest.raises(EndpointRefused, match=r"only http|not a WordPress list endpoint"):
        fetch_site(url, tmp_path / "out", FAST)
    assert not (tmp_path / "out").exists()


def test_url_of_one_post_is_refused_with_what_to_change(tmp_path):
    with pytest.raises(EndpointRefused, match="is one post, not a list; drop the id"):
        fetch_site("https://example.org/wp-json/wp/v2/msr-group/144931", tmp_path, FAST)


def test_broken_transfer_leaves_the_saved_page_as_it_was(wordpress_site, tmp_path):
    fetch(wordpress_site, tmp_path)
    before = (tmp_path / PAGES[1]).read_bytes()
    wordpress_site.posts[2]["modified_gmt"] = "2026-01-01T00:00:00"
    check = wordpress_site.respond("msr-group", {"page": 2, "per_page": 2, "_fields": CHECK})
    wordpress_site.answer_with(2, 200, check.body, times=1)  # the site says page 2 changed
    wordpress_site.answer_with(2, 200, b'[{"id": 900103, "title":', length=50_000)
    report = fetch(wordpress_site, tmp_path)
    [error] = report.failed
    assert error.reason == "the connection broke in the middle of the page"
    assert (tmp_path / PAGES[1]).read_bytes() == before
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".")]


def test_partial_file_left_by_a_killed_fetch_is_removed(wordpress_site, tmp_path):
    (tmp_path / ".msr-group-page-0001.json.abc123.part").write_text('[{"id": 9', "utf-8")
    fetch(wordpress_site, tmp_path)
    assert saved(tmp_path) == [*PAGES, "research-area.json"]


@pytest.mark.parametrize("end", ["400 past the last page", "empty page"])
def test_without_a_total_pages_header_pages_are_followed_to_the_end(end, wordpress_site, tmp_path):
    wordpress_site.total_headers = False
    if end == "empty page":
        wordpress_site.empty_past_the_end = True
    report = fetch(wordpress_site, tmp_path)
    assert not report.failed
    assert saved(tmp_path) == [*PAGES, "research-area.json"]
    assert wordpress_site.full_pages() == [1, 2, 3, 4, 5]


def test_without_a_total_a_failed_page_stops_the_walk(wordpress_site, tmp_path):
    wordpress_site.total_headers = False
    wordpress_site.answer_with(2, 404)
    report = fetch(wordpress_site, tmp_path)
    assert wordpress_site.full_pages() == [1, 2]
    assert [path.name for path in report.fetched] == [PAGES[0]]


def test_site_without_a_research_area_taxonomy_saves_pages_only(wordpress_site, tmp_path):
    no_route = b'{"code": "rest_no_route", "message": "No route was found"}'
    wordpress_site.answer_with(1, 404, no_route, route="research-area")
    report = fetch(wordpress_site, tmp_path)
    assert not report.failed
    assert report.taxonomy is None
    assert saved(tmp_path) == PAGES


def test_failed_taxonomy_keeps_the_saved_one_and_is_reported(wordpress_site, tmp_path):
    fetch(wordpress_site, tmp_path)
    before = (tmp_path / "research-area.json").read_bytes()
    wordpress_site.answer_with(1, 403, b'{"code": "rest_forbidden"}', route="research-area")
    [error] = fetch(wordpress_site, tmp_path).failed
    assert error.reason == "HTTP 403: rest_forbidden"
    assert (tmp_path / "research-area.json").read_bytes() == before


def test_unreachable_site_is_one_line(tmp_path):
    url = "http://127.0.0.1:9/wp-json/wp/v2/msr-group"  # discard port: nothing listens
    [error] = fetch_site(url, tmp_path, FAST).failed
    assert error.reason == "cannot connect: Connection refused (3 tries)"


def test_write_that_fails_keeps_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    page = tmp_path / PAGES[0]
    page.write_bytes(b'[{"id": 1}]')

    def disk_full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OutputError, match="No space left on device"):
        write_atomically(page, b'[{"id": 2}]')
    assert page.read_bytes() == b'[{"id": 1}]'
    assert os.listdir(tmp_path) == [PAGES[0]]
