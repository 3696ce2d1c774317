"""Fetch: a WordPress site's list endpoint and research areas, saved as files reindex reads."""

import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index.decoding import decode_json
from index.errors import FetchError, NoSuchRoute, OutputError
from index.polite_http import PoliteClient, Politeness
from index.sources import MAX_FILE_BYTES
from index.wordpress_api import (
    CHECK_FIELDS,
    EMBED,
    MAX_PER_PAGE,
    TAXONOMY_ROUTE,
    ListEndpoint,
    Page,
    item_versions,
    parse_list_endpoint,
    read_page,
)

TAXONOMY_FILE = "research-area.json"

# Told (pages done, total pages or None while unknown) after each page.
PageProgress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class FetchSettings:
    per_page: int = MAX_PER_PAGE
    # Refetch every page, even saved ones the site still lists unchanged.
    force: bool = False
    politeness: Politeness = field(default_factory=Politeness)


@dataclass(frozen=True)
class FetchReport:
    fetched: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    # Saved pages past the site's last page: their posts are gone or moved.
    removed: list[Path] = field(default_factory=list)
    failed: list[FetchError] = field(default_factory=list)
    # The research-area file, or None when the site has no such taxonomy.
    taxonomy: Path | None = None
    terms: int = 0

    def summary_line(self) -> str:
        areas = f"research areas {self.terms}" if self.taxonomy else "no research areas saved"
        return (
            f"pages: fetched {len(self.fetched)}, unchanged {len(self.unchanged)}, "
            f"removed {len(self.removed)}, failed {len(self.failed)}; {areas}"
        )


def fetch_site(
    url: str,
    out: Path,
    settings: FetchSettings = FetchSettings(),
    progress: PageProgress = lambda done, total: None,
) -> FetchReport:
    """Save every page of the list endpoint at ``url`` and the site's research areas in ``out``.

    Resumable: a saved page is kept when the site still lists the same posts at the same
    revisions (checked with a light request), so a second run fetches only what is missing
    or changed; ``settings.force`` refetches everything. Every file is written atomically.
    A page that fails is reported and the others are still fetched. Raises EndpointRefused
    for a URL that is not a WordPress list endpoint, OutputError when ``out`` is not writable.
    """
    endpoint = parse_list_endpoint(url)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for partial in out.glob(".*.json.*.part"):  # left by a fetch that was killed
            partial.unlink()
    except OSError as error:
        raise OutputError(f"cannot write {out}: {error.strerror or error}") from error
    # Pages reindex would refuse are refused here, before they fill the disk.
    with PoliteClient(settings.politeness, max_bytes=MAX_FILE_BYTES) as client:
        pages = sync_pages(client, endpoint, out, settings, progress)
        if not (pages.fetched or pages.unchanged) and pages.failed:
            return pages  # the site gave nothing; asking it for more would only fail again
        taxonomy = fetch_taxonomy(client, endpoint.sibling(TAXONOMY_ROUTE), out)
    return pages if taxonomy is None else _with_taxonomy(pages, *taxonomy)


def sync_pages(
    client: PoliteClient,
    endpoint: ListEndpoint,
    out: Path,
    settings: FetchSettings,
    progress: PageProgress,
) -> FetchReport:
    """Bring the saved pages in line with the site's, page by page."""
    fetched, unchanged, failed = [], [], []
    page, last = 1, None
    while last is None or page <= last:
        path = page_path(out, endpoint, page)
        try:
            outcome = sync_page(client, endpoint, page, path, settings)
        except FetchError as error:
            failed.append(error)
            if last is None:  # where the list ends is unknown: stop here
                return FetchReport(fetched, unchanged, [], failed)
        else:
            if outcome is None:
                break
            changed, total = outcome
            (fetched if changed else unchanged).append(path)
            last = total if total is not None else last
        progress(page, last)
        page += 1
    removed = remove_pages_after(out, endpoint, page - 1)
    return FetchReport(fetched, unchanged, removed, failed)


def sync_page(
    client: PoliteClient, endpoint: ListEndpoint, page: int, path: Path, settings: FetchSettings
) -> tuple[bool, int | None] | None:
    """(whether the page was fetched anew, the site's page count), or None past the last page."""
    if path.exists() and not settings.force:
        check = get_page(client, endpoint.page_url(page, settings.per_page, fields=CHECK_FIELDS))
        if check is None or not check.items:
            return None
        versions = item_versions(check.items)
        if versions is not None and versions == saved_versions(path):
            return False, check.total_pages
    full = get_page(client, endpoint.page_url(page, settings.per_page, embed=EMBED))
    if full is None or not full.items:
        return None
    write_atomically(path, full.body)
    return True, full.total_pages


def fetch_taxonomy(
    client: PoliteClient, endpoint: ListEndpoint, out: Path
) -> tuple[Path | None, int, list[FetchError]] | None:
    """Every term of the taxonomy, merged into one file; None when the site has no such route."""
    terms: list = []
    page, last = 1, None
    try:
        while last is None or page <= last:
            answer = get_page(client, endpoint.page_url(page, MAX_PER_PAGE))
            if answer is None or not answer.items:
                break
            terms += answer.items
            last, page = answer.total_pages, page + 1
    except NoSuchRoute:
        return None
    except FetchError as error:  # a partial list would lose names: keep the old file
        return None, 0, [error]
    path = out / TAXONOMY_FILE
    write_atomically(path, json.dumps(terms, ensure_ascii=False, indent=1).encode("utf-8"))
    return path, len(terms), []


def get_page(client: PoliteClient, url: str) -> Page | None:
    """The list page at ``url``; None past the last page; FetchError when it cannot be had."""
    answer = client.get(url)
    return read_page(url, answer.status, answer.headers, answer.body)


def page_path(out: Path, endpoint: ListEndpoint, page: int) -> Path:
    return out / f"{endpoint.file_prefix}-page-{page:04d}.json"


def remove_pages_after(out: Path, endpoint: ListEndpoint, last: int) -> list[Path]:
    """Delete saved pages numbered past ``last``, so reindex drops posts the site no longer has."""
    pattern = re.compile(rf"^{re.escape(endpoint.file_prefix)}-page-(\d+)\.json$")
    stale = sorted(
        path
        for path in out.iterdir()
        if (match := pattern.match(path.name)) and int(match[1]) > last
    )
    for path in stale:
        path.unlink()
    return stale


def saved_versions(path: Path) -> list[tuple] | None:
    """The (id, modified_gmt) of each post in a saved page; None if it cannot be read."""
    try:
        items = decode_json(path.read_bytes())
    except (OSError, ValueError):
        return None
    return item_versions(items) if isinstance(items, list) else None


def write_atomically(path: Path, data: bytes) -> None:
    """Write via a hidden temporary file and a rename: readers see the old file or the new one.

    The temporary name starts with a dot, which reindex passes over, and ends in ``.part``,
    which the next fetch deletes.
    """
    try:
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".part"
        )
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from error


def _with_taxonomy(
    pages: FetchReport, path: Path | None, terms: int, failed: list[FetchError]
) -> FetchReport:
    return FetchReport(
        pages.fetched, pages.unchanged, pages.removed, pages.failed + failed, path, terms
    )
