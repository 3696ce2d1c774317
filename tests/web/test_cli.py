"""The `research-search reindex` command: summary line, named failures and exit codes."""

import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from index.reindex import reindex_lock
from web import create_app


@pytest.fixture
def runner(tmp_path):
    return create_app({"INDEX_DIR": str(tmp_path / "ix")}).test_cli_runner()


@pytest.fixture
def cli(runner):
    return lambda *args: runner.invoke(args=["reindex", *args])


@pytest.fixture
def fetch(runner):
    return lambda *args: runner.invoke(args=["fetch", *args, "--delay", "0", "--per-page", "2"])


def test_reindex_prints_one_summary_line_and_exits_0(cli, corpus):
    result = cli(str(corpus))
    assert result.exit_code == 0
    assert result.output.strip() == "added 36, updated 0, removed 0, unchanged 0, failed 0"


def test_failed_files_are_named_and_exit_code_is_1(cli, corpus):
    (corpus / "articles" / "broken.json").write_text('{"title": ', "utf-8")
    result = cli(str(corpus))
    assert result.exit_code == 1
    assert f"failed: {corpus / 'articles' / 'broken.json'}: invalid JSON" in result.output
    assert "added 36, updated 0, removed 0, unchanged 0, failed 1" in result.output


def test_bare_reindex_without_remembered_sources_is_a_usage_error(cli):
    result = cli()
    assert result.exit_code == 2
    assert "no sources to read" in result.output


def test_unknown_option_is_a_usage_error(cli):
    assert cli("--fast").exit_code == 2


def test_dry_run_lists_what_would_change(cli, corpus):
    cli(str(corpus))
    (corpus / "articles" / "002_2617209aba1bfd98.txt").unlink()
    result = cli("--dry-run")
    assert result.exit_code == 0
    assert "would remove: article:002_2617209aba1bfd98:" in result.output
    assert result.output.strip().endswith(
        "dry run, nothing written: added 0, updated 0, removed 1, unchanged 35, failed 0"
    )


def test_reindex_while_another_runs_exits_3_with_a_message(cli, corpus, tmp_path):
    with reindex_lock(tmp_path / "ix"):
        result = cli(str(corpus))
    assert result.exit_code == 3
    assert "another reindex" in result.output


def test_console_script_is_installed_with_flask_commands():
    script = Path(sys.executable).with_name("research-search")
    result = subprocess.run([script, "--help"], capture_output=True, text=True, check=True)
    for command in ("reindex", "fetch", "run", "routes", "shell"):
        assert command in result.stdout


def test_missing_path_is_a_usage_error(cli, tmp_path):
    result = cli(str(tmp_path / "typo"))
    assert result.exit_code == 2
    assert "no such file or folder" in result.output


def test_taxonomy_file_is_remembered_for_bare_reindexes(cli, corpus, tmp_path, group_seed):
    terms = [{"id": 13562, "name": "Seeing machines", "slug": "computer-vision"}]
    (tmp_path / "areas.json").write_text(json.dumps(terms), "utf-8")
    shutil.copy(group_seed, tmp_path / "group.json")
    assert (
        cli(str(tmp_path / "group.json"), "--taxonomy", str(tmp_path / "areas.json")).exit_code == 0
    )
    result = cli()
    assert result.output.strip() == "added 0, updated 0, removed 0, unchanged 1, failed 0"


def test_fetch_saves_every_page_and_prints_the_reindex_command(
    fetch, cli, wordpress_site, tmp_path
):
    out = tmp_path / "site pages"
    result = fetch(wordpress_site.route_url(), "--out", str(out))
    assert result.exit_code == 0, result.output
    taxonomy = out / "research-area.json"
    assert result.output.splitlines() == [
        "pages: fetched 4, unchanged 0, removed 0, failed 0; research areas 6",
        f"next: research-search reindex '{out}' --taxonomy '{taxonomy}'",
    ]
    reindexed = cli(str(out), "--taxonomy", str(taxonomy))
    assert reindexed.output.strip() == "added 7, updated 0, removed 0, unchanged 0, failed 0"


def test_fetch_again_keeps_unchanged_pages(fetch, wordpress_site, tmp_path):
    fetch(wordpress_site.route_url(), "--out", str(tmp_path))
    result = fetch(wordpress_site.route_url(), "--out", str(tmp_path))
    assert result.output.splitlines()[0] == (
        "pages: fetched 0, unchanged 4, removed 0, failed 0; research areas 6"
    )


def test_fetch_names_a_failed_page_and_exits_1(fetch, wordpress_site, tmp_path):
    wordpress_site.answer_with(2, 200, b'[{"id": 1,')
    result = fetch(wordpress_site.route_url(), "--out", str(tmp_path))
    assert result.exit_code == 1
    [failure] = [line for line in result.output.splitlines() if line.startswith("failed: ")]
    assert "page=2" in failure
    assert ": invalid JSON: Expecting" in failure
    assert "run the same fetch again" in result.output


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "https://example.org/news/", "wp-json/wp/v2/msr-group"]
)
def test_fetch_of_a_url_that_is_not_a_wordpress_list_is_a_usage_error(fetch, url, tmp_path):
    result = fetch(url, "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "only http(s) URLs" in result.output or "not a WordPress list endpoint" in result.output
    assert not (tmp_path / "out").exists()


def test_fetch_without_out_is_a_usage_error(runner, wordpress_site):
    assert runner.invoke(args=["fetch", wordpress_site.route_url()]).exit_code == 2


def test_fetch_into_a_folder_it_cannot_write_exits_4(fetch, wordpress_site, tmp_path):
    (tmp_path / "file").write_text("", "utf-8")
    result = fetch(wordpress_site.route_url(), "--out", str(tmp_path / "file" / "out"))
    assert result.exit_code == 4
    assert "cannot write" in result.output


def test_fetch_draws_pages_done_of_total_on_a_terminal(wordpress_site, tmp_path):
    script = Path(sys.executable).with_name("research-search")
    terminal, stderr = pty.openpty()
    args = ["fetch", wordpress_site.route_url(), "--out", str(tmp_path), "--per-page", "2"]
    with subprocess.Popen([script, *args, "--delay", "0"], stdout=subprocess.PIPE, stderr=stderr):
        os.close(stderr)
        drawn = _read_all(terminal)
    assert "Fetching pages" in drawn
    assert "1/4" in drawn
    assert "4/4" in drawn


def _read_all(fd: int) -> str:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode("utf-8", "replace")


def test_no_infer_areas_is_remembered_until_switched_back_on(cli, corpus):
    cli(str(corpus))
    assert cli("--no-infer-areas").output.strip() == (
        "added 0, updated 14, removed 0, unchanged 22, failed 0"
    )
    assert cli().output.strip() == "added 0, updated 0, removed 0, unchanged 36, failed 0"
    assert cli("--infer-areas").output.strip() == (
        "added 0, updated 14, removed 0, unchanged 22, failed 0"
    )


def test_inference_can_be_switched_off_by_environment(tmp_path, corpus):
    runner = create_app({"INDEX_DIR": str(tmp_path / "ix")}).test_cli_runner()
    env = {"RESEARCH_SEARCH_INFER_AREAS": "0"}
    runner.invoke(args=["reindex", str(corpus)], env=env)
    result = runner.invoke(args=["reindex", "--infer-areas"])
    assert "updated 14" in result.output


def test_skipped_drafts_are_named_counted_and_exit_code_stays_0(cli, corpus):
    export = corpus / "wordpress" / "list-export-page2.json"
    items = json.loads(export.read_text("utf-8"))
    items[1]["status"] = "draft"
    export.write_text(json.dumps(items), "utf-8")
    result = cli(str(corpus))
    assert result.exit_code == 0
    assert f"skipped: {export}[1]: wp:msr-blog-post:900019: not published (status draft)" in (
        result.output
    )
    assert result.output.strip().endswith(
        "added 35, updated 0, removed 0, unchanged 0, failed 0, skipped 1 (not published 1)"
    )
