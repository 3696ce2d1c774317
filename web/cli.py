"""The `research-search` command: Flask's run/routes/shell plus `reindex`."""

import sys
from collections.abc import Iterator
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from index.errors import IndexBusy, IndexMissing, IndexWriteError, SourceError
from index.readers import MAX_FILE_BYTES
from index.reindex import ReindexReport, reindex
from index.sources import remembered_taxonomy
from index.taxonomy import load_taxonomy

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
def reindex_command(paths, full, dry_run, index_dir, taxonomy, max_file_mb):
    """Index the files and folders in PATHS (remembered; a bare call rescans them).

    Adds new documents, updates changed ones, removes those whose source is gone. Exit
    0 when every file was read, 1 when some failed (the rest are indexed), 2 for usage
    errors, 3 when another reindex is running, 4 when the index could not be written
    (it is then unchanged).
    """
    index_dir = index_dir or Path(current_app.config["INDEX_DIR"])
    taxonomy_file = taxonomy or current_app.config.get("TAXONOMY") or remembered_taxonomy(index_dir)
    try:
        report = reindex(
            index_dir,
            load_taxonomy(taxonomy_file),
            list(paths),
            full=full,
            dry_run=dry_run,
            progress=progress_bar,
            max_file_bytes=int(max_file_mb * 2**20),
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


def init_app(app: Flask) -> None:
    app.cli.add_command(reindex_command)


def main() -> None:
    from web import create_app

    FlaskGroup(create_app=create_app, help="research-search: index and serve research pages.")(
        prog_name="research-search"
    )
