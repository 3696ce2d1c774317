"""The `research-search reindex` command: summary line, named failures and exit codes."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from index.reindex import reindex_lock
from web import create_app


@pytest.fixture
def cli(tmp_path):
    app = create_app({"INDEX_DIR": str(tmp_path / "ix")})
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["reindex", *args])


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
    for command in ("reindex", "run", "routes", "shell"):
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
