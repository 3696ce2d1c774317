"""WordPress REST list endpoints: their URLs and their answers, without any HTTP."""

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from index.decoding import decode_json
from index.errors import EndpointRefused, FetchError, NoSuchRoute

MAX_PER_PAGE = 100
TAXONOMY_ROUTE = "research-area"
# Just enough of each post to tell whether a saved page still matches the site.
CHECK_FIELDS = "id,modified_gmt"
# Names of every term (research area, locale, group type) inside each post.
EMBED = "wp:term"

_PATH_ROUTE = re.compile(r"^(?P<base>.*/)wp-json/wp/v2/(?P<name>[A-Za-z0-9_-]+)/?$")
_QUERY_ROUTE = re.compile(r"^/wp/v2/(?P<name>[A-Za-z0-9_-]+)/?$")
_OBJECT_ROUTE = re.compile(r"/wp/v2/[A-Za-z0-9_-]+/\d+/?$")
# Set by the fetch itself; the user's own values would break paging or the resume check.
_OWN_PARAMETERS = {"page", "per_page", "offset", "_fields", "_embed", "rest_route"}
_STABLE_ORDER = (("orderby", "id"), ("order", "asc"))


@dataclass(frozen=True)
class ListEndpoint:
    """One collection route of a site (``.../wp-json/wp/v2/msr-group``) and the user's filters.

    ``site`` is the URL up to ``wp-json/`` (path form) or the whole URL without its query
    (``?rest_route=`` form, for sites without pretty permalinks).
    """

    site: str
    name: str
    filters: tuple[tuple[str, str], ...] = ()
    route_in_query: bool = False

    def page_url(self, page: int, per_page: int, fields: str = "", embed: str = "") -> str:
        """The URL of one page, in id order so that new posts land on the last page."""
        query = [("rest_route", f"/wp/v2/{self.name}")] if self.route_in_query else []
        query += self.filters
        if not any(key == "orderby" for key, _ in self.filters):
            query += _STABLE_ORDER
        query += [("per_page", str(per_page)), ("page", str(page))]
        query += [("_fields", fields)] if fields else []
        query += [("_embed", embed)] if embed else []
        if self.route_in_query:
            return f"{self.site}?{urlencode(query)}"
        return f"{self.site}wp-json/wp/v2/{self.name}?{urlencode(query)}"

    def sibling(self, name: str) -> "ListEndpoint":
        """Another route of the same site (the taxonomy), without this one's filters."""
        return ListEndpoint(self.site, name, (), self.route_in_query)

    @property
    def file_prefix(self) -> str:
        """Names this listing's page files; filtered listings get their own set."""
        if not self.filters:
            return self.name
        digest = hashlib.sha1(urlencode(self.filters).encode("utf-8")).hexdigest()[:8]
        return f"{self.name}-{digest}"


@dataclass(frozen=True)
class Page:
    """One page of a list endpoint: its posts, the bytes they came in, the site's page count."""

    items: list
    body: bytes
    total_pages: int | None


def parse_list_endpoint(url: str) -> ListEndpoint:
    """The endpoint a user gave, or EndpointRefused saying what a list endpoint looks like."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise EndpointRefused(f"{url}: only http(s) URLs can be fetched")
    query = parse_qsl(parts.query, keep_blank_values=True)
    filters = tuple((key, value) for key, value in query if key not in _OWN_PARAMETERS)
    rest_route = dict(query).get("rest_route", "")
    if rest_route:
        route, site = (
            _QUERY_ROUTE.match(rest_route),
            urlunsplit(parts._replace(query="", fragment="")),
        )
        if route:
            return ListEndpoint(site, route["name"], filters, route_in_query=True)
    elif route := _PATH_ROUTE.match(parts.path):
        site = urlunsplit(parts._replace(path=route["base"], query="", fragment=""))
        return ListEndpoint(site, route["name"], filters)
    if _OBJECT_ROUTE.search(rest_route or parts.path):
        raise EndpointRefused(f"{url}: is one post, not a list; drop the id at the end")
    raise EndpointRefused(
        f"{url}: not a WordPress list endpoint (expected https://SITE/wp-json/wp/v2/TYPE)"
    )


def read_page(url: str, status: int, headers: Mapping[str, str], body: bytes) -> Page | None:
    """The page in an answer; None past the last page; FetchError for anything else."""
    if status >= 400:
        answer = _json_or_none(body)
        if status == 400 and _error_code(answer).endswith("_invalid_page_number"):
            return None
        reason = f"HTTP {status}{_wordpress_error(answer)}"
        missing = status == 404 and _error_code(answer) == "rest_no_route"
        raise (NoSuchRoute if missing else FetchError)(url, reason)
    if body.lstrip()[:1] == b"<":
        raise FetchError(url, "an HTML page, not JSON: is this a WordPress REST endpoint?")
    parsed = _parse(body, url)
    if not isinstance(parsed, list):
        raise FetchError(
            url,
            f"not a JSON array but {_json_kind(parsed)}{_wordpress_error(parsed)}: "
            "is this a WordPress list endpoint?",
        )
    return Page(parsed, body, _total_pages(headers))


def item_versions(items: list) -> list[tuple] | None:
    """Each post's (id, modified_gmt), to compare a saved page with the site's; None if unknown."""
    versions = [
        (item.get("id"), item.get("modified_gmt")) for item in items if isinstance(item, dict)
    ]
    if len(versions) != len(items) or any(None in version for version in versions):
        return None
    return versions


def _parse(body: bytes, url: str) -> object:
    try:
        return decode_json(body)
    except ValueError as error:
        raise FetchError(url, str(error)) from error


def _json_or_none(body: bytes) -> object:
    try:
        return decode_json(body)
    except ValueError:
        return None


def _error_code(answer: object) -> str:
    return str(answer.get("code", "")) if isinstance(answer, dict) else ""


def _total_pages(headers: Mapping[str, str]) -> int | None:
    value = str(headers.get("X-WP-TotalPages", "")).strip()
    return int(value) if value.isdigit() else None


def _wordpress_error(answer: object) -> str:
    """``: rest_no_route (No route was found ...)`` when the answer is a WordPress error."""
    if not _error_code(answer):
        return ""
    message = " ".join(str(answer.get("message", "")).split())[:200]
    return f": {_error_code(answer)}" + (f" ({message})" if message else "")


def _json_kind(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    return "a string" if isinstance(value, str) else f"a {type(value).__name__}"
