"""WordPress list endpoints: which URLs are lists, the page URLs built from them, their answers."""

import json
from urllib.parse import parse_qsl, urlsplit

import pytest

from index.errors import EndpointRefused, FetchError, NoSuchRoute
from index.wordpress_api import item_versions, parse_list_endpoint, read_page

MSR = "https://www.microsoft.com/en-us/research/wp-json/wp/v2/msr-group"


def query(url):
    return dict(parse_qsl(urlsplit(url).query))


def test_site_path_before_wp_json_is_kept():
    endpoint = parse_list_endpoint(MSR)
    assert endpoint.name == "msr-group"
    assert endpoint.page_url(3, 100).startswith(MSR + "?")
    assert query(endpoint.page_url(3, 100)) == {
        "orderby": "id",
        "order": "asc",
        "per_page": "100",
        "page": "3",
    }


def test_rest_route_form_of_sites_without_pretty_links_is_a_list_endpoint():
    endpoint = parse_list_endpoint("http://example.org/?rest_route=/wp/v2/posts")
    url = endpoint.page_url(1, 10)
    assert url.startswith("http://example.org/?")
    assert query(url)["rest_route"] == "/wp/v2/posts"
    assert query(endpoint.sibling("research-area").page_url(1, 100))["rest_route"] == (
        "/wp/v2/research-area"
    )


def test_users_filters_are_kept_and_paging_parameters_replaced():
    endpoint = parse_list_endpoint(MSR + "?research-area=13562&page=7&per_page=5&_embed")
    assert query(endpoint.page_url(2, 100, embed="wp:term")) == {
        "research-area": "13562",
        "orderby": "id",
        "order": "asc",
        "per_page": "100",
        "page": "2",
        "_embed": "wp:term",
    }


def test_users_own_order_is_kept():
    endpoint = parse_list_endpoint(MSR + "?orderby=modified")
    assert "order" not in query(endpoint.page_url(1, 100))
    assert query(endpoint.page_url(1, 100))["orderby"] == "modified"


def test_filtered_listing_gets_its_own_file_names():
    assert parse_list_endpoint(MSR).file_prefix == "msr-group"
    filtered = parse_list_endpoint(MSR + "?research-area=13562").file_prefix
    assert filtered.startswith("msr-group-")
    assert filtered != parse_list_endpoint(MSR + "?research-area=13556").file_prefix


def test_taxonomy_is_a_sibling_route_without_the_filters():
    sibling = parse_list_endpoint(MSR + "?research-area=13562").sibling("research-area")
    assert sibling.page_url(1, 100).startswith(
        "https://www.microsoft.com/en-us/research/wp-json/wp/v2/research-area?"
    )
    assert "research-area" not in query(sibling.page_url(1, 100))


@pytest.mark.parametrize("url", ["ftp://example.org/wp-json/wp/v2/posts", "https:///wp-json"])
def test_only_http_urls_with_a_host_are_fetched(url):
    with pytest.raises(EndpointRefused, match="only http"):
        parse_list_endpoint(url)


def test_answer_past_the_last_page_ends_the_list():
    body = json.dumps({"code": "rest_post_invalid_page_number", "message": "..."}).encode()
    assert read_page("u", 400, {}, body) is None


def test_other_400_is_an_error_with_the_wordpress_code_and_message():
    body = b'{"code": "rest_invalid_param", "message": "Invalid parameter(s): per_page"}'
    with pytest.raises(FetchError, match=r"HTTP 400: rest_invalid_param \(Invalid parameter"):
        read_page("u", 400, {}, body)


def test_missing_route_is_its_own_error():
    with pytest.raises(NoSuchRoute):
        read_page("u", 404, {}, b'{"code": "rest_no_route", "message": "No route"}')


def test_total_pages_comes_from_the_header_and_a_bom_is_accepted():
    page = read_page("u", 200, {"X-WP-TotalPages": "12"}, b"\xef\xbb\xbf[]")
    assert (page.items, page.total_pages) == ([], 12)
    assert read_page("u", 200, {"X-WP-TotalPages": "many"}, b"[]").total_pages is None


def test_php_notice_before_the_json_is_reported_as_not_json():
    with pytest.raises(FetchError, match="u: an HTML page, not JSON"):
        read_page("u", 200, {}, b"<br />\n<b>Notice</b>: Undefined index [{}]")


def test_deeply_nested_json_is_refused_not_a_crash():
    with pytest.raises(FetchError, match="invalid JSON: nested too deeply"):
        read_page("u", 200, {}, b"[" * 100_000 + b"]" * 100_000)


def test_versions_are_unknown_when_a_post_lacks_its_modified_date():
    assert item_versions([{"id": 1, "modified_gmt": "2025-01-01T00:00:00"}]) == [
        (1, "2025-01-01T00:00:00")
    ]
    assert item_versions([{"id": 1}]) is None
    assert item_versions(["not a post"]) is None
