"""The `research-search` command: Flask's run/routes/shell plus `reindex` and `fetch`.

The readers, the reindex and the HTTP client are imported when a command runs, not with
this module: every server worker loads it (through ``create_app``) and never runs them.
"""

from __future__ import annotations

import itertools
import logging
import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from index.errors import (
    EndpointRefused,
    IndexBusy,
    IndexMissing,
    IndexWriteError,
    OutputError,
    SourceError,
)
from index.sources import MAX_FILE_BYTES, remembered_infer_areas, remembered_taxonomy
from index.taxonomy import load_taxonomy
from index.wordpress_api import MAX_PER_PAGE

if TYPE_CHECKING:
    from index.fetch import FetchReport, PageProgress
    from index.reindex import ReindexReport

EXIT_SOME_FAILED = 1
EXIT_BUSY = 3
EXIT_NOT_WRITTEN = 4


@click.command("reindex")
@with_appcontext
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--full", is_flag=True, help="Rebuild every document (given PATHs replace the remembered ones)."
)
@click.option("--dry-run", is_flag=True, help="Print what would change; write nothing.")
@click.option(
    "--index-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Index folder [default: $RESEARCH_SEARCH_INDEX or var/index].",
)
@click.option(
    "--taxonomy",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Research-area JSON (as /wp-json/wp/v2/research-area returns).",
)
@click.option(
    "--max-file-mb",
    type=click.FloatRange(min=0, min_open=True),
    envvar="RESEARCH_SEARCH_MAX_FILE_MB",
    default=MAX_FILE_BYTES / 2**20,
    show_default=True,
    help="Larger files are refused (and named) rather than read.",
)
@click.option(
    "--infer-areas/--no-infer-areas",
    default=None,
    envvar="RESEARCH_SEARCH_INFER_AREAS",
    help="Guess research areas for pages that name none [default: on; remembered].",
)
def reindex_command(paths, full, dry_run, index_dir, taxonomy, max_file_mb, infer_areas):
    """Index the files and folders in PATHS (remembered; a bare call rescans them).

    Adds new documents, updates changed ones, removes those whose source is gone. Exit
    0 when every file was read, 1 when some failed (the rest are indexed), 2 for usage
    errors, 3 when another reindex is running, 4 when the index could not be written
    (it is then unchanged).
    """
    from index.reindex import reindex

    index_dir = index_dir or Path(current_app.config["INDEX_DIR"])
    taxonomy_file = taxonomy or current_app.config.get("TAXONOMY") or remembered_taxonomy(index_dir)
    if infer_areas is None:
        infer_areas = remembered_infer_areas(index_dir)
    try:
        report = reindex(
            index_dir,
            load_taxonomy(taxonomy_file),
            list(paths),
            full=full,
            dry_run=dry_run,
            progress=progress_bar,
            max_file_bytes=int(max_file_mb * 2**20),
            infer_areas=infer_areas,
        )
    except IndexBusy as error:
        click.echo(f"research-search reindex: {error}", err=True)
        sys.exit(EXIT_BUSY)
    except IndexWriteError as error:
        click.echo(f"research-search reindex: {error}", err=True)
        sys.exit(EXIT_NOT_WRITTEN)
    except (SourceError, IndexMissing) as error:
        raise click.UsageError(str(error)) from error
    _print_report(report, dry_run)
    if report.failed:
        sys.exit(EXIT_SOME_FAILED)


def progress_bar(files: list[Path]) -> Iterator[Path]:
    """The files, with a progress bar on stderr when it is a terminal."""
    with click.progressbar(
        files,
        label="Reading sources",
        file=sys.stderr,
        show_pos=True,
        hidden=not sys.stderr.isatty(),
    ) as bar:
        yield from bar


def _print_report(report: ReindexReport, dry_run: bool) -> None:
    for error in report.failed:
        click.echo(f"failed: {error.path}: {error.reason}", err=True)
    for item in report.skipped:
        click.echo(f"skipped: {item.path}: {item.describe()}", err=True)
    if dry_run:
        for verb, docs in (
            ("add", report.added),
            ("update", report.updated),
            ("remove", report.removed),
        ):
            for doc in docs:
                click.echo(f"would {verb}: {doc.id}  {doc.title}  ({doc.source})")
    prefix = "dry run, nothing written: " if dry_run else ""
    click.echo(prefix + report.summary_line())


@click.command("fetch")
@click.argument("url")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the pages and research-area.json (created if needed).",
)
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Seconds to wait between requests.",
)
@click.option(
    "--per-page",
    type=click.IntRange(1, MAX_PER_PAGE),
    default=MAX_PER_PAGE,
    show_default=True,
    help="Posts per request; fewer when a site is slow to build big pages.",
)
@click.option("--force", is_flag=True, help="Refetch every page, even saved unchanged ones.")
def fetch_command(url, out, delay, per_page, force):
    """Save every page of a WordPress list endpoint URL, and the site's research areas, in OUT.

    URL is like https://SITE/wp-json/wp/v2/msr-group. Run it again to resume: saved pages
    the site still lists unchanged are kept. Exit 0 when every page was saved, 1 when some
    failed (the rest are saved), 2 for usage errors, 4 when OUT cannot be written.
    """
    from index.fetch import FetchSettings, fetch_site
    from index.polite_http import Politeness

    # urllib3 logs each retry with object reprs; the report names what finally failed.
    logging.getLogger("urllib3").setLevel(logging.ERROR)
    settings = FetchSettings(per_page, force, Politeness(delay=delay))
    try:
        with page_bar() as progress:
            report = fetch_site(url, out, settings, progress)
    except EndpointRefused as error:
        raise click.UsageError(str(error)) from error
    except OutputError as error:
        click.echo(f"research-search fetch: {error}", err=True)
        sys.exit(EXIT_NOT_WRITTEN)
    _print_fetch_report(report, out)
    if report.failed:
        sys.exit(EXIT_SOME_FAILED)


@contextmanager
def page_bar() -> Iterator[PageProgress]:
    """A progress callback drawing pages done / total on stderr when it is a terminal."""
    with click.progressbar(
        itertools.count(),  # no length until the site says how many pages it has
        label="Fetching pages",
        file=sys.stderr,
        show_pos=True,
        hidden=not sys.stderr.isatty(),
    ) as bar:

        def show(done: int, total: int | None) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        yield show


def _print_fetch_report(report: FetchReport, out: Path) -> None:
    from index.fetch import TAXONOMY_FILE

    for error in report.failed:
        click.echo(f"failed: {error}", err=True)
    for path in report.removed:
        click.echo(f"removed: {path} (past the site's last page)")
    click.echo(report.summary_line())
    command = ["research-search", "reindex", str(out)]
    if (out / TAXONOMY_FILE).is_file():
        command += ["--taxonomy", str(out / TAXONOMY_FILE)]
    click.echo(f"next: {shlex.join(command)}")
    if report.failed:
        click.echo("run the same fetch again to retry what failed; saved pages are kept")


def init_app(app: Flask) -> None:
    app.cli.add_command(reindex_command)
    app.cli.add_command(fetch_command)


def main() -> None:
    from web import create_app

    FlaskGroup(create_app=create_app, help="research-search: index and serve research pages.")(
        prog_name="research-search"
    )
