"""Hostile files among good ones: each bad file is named with its reason, and every good
document around them is indexed."""

import json
import os
from pathlib import Path

import pytest

from index.reindex import reindex


@pytest.fixture
def hostile_folder(corpus, group_seed) -> Path:
    bad = corpus / "bad"
    bad.mkdir()
    good_items = json.loads(group_seed.read_text("utf-8"))
    (bad / "truncated.json").write_text(group_seed.read_text("utf-8")[:700], "utf-8")
    (bad / "mixed-list.json").write_text(json.dumps([good_items, "oops", {"x": 1}]), "utf-8")
    (bad / "photo.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    (bad / "latin1.txt").write_bytes(
        "Caf\xe9 society\n\nNa\xefve r\xe9sum\xe9s.\n".encode("latin-1")
    )
    (bad / "huge.txt").write_bytes(b"")
    os.truncate(bad / "huge.txt", 50 * 2**20)  # 50 MB, sparse
    depth = 20_000
    (bad / "deep.html").write_text(f"<body>{'<div>' * depth}deep text{'</div>' * depth}</body>")
    (bad / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (bad / "laughs.html").write_text(
        '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        "<html><head><title>Laughs</title></head><body><p>&b;</p></body></html>"
    )
    (bad / "loop").symlink_to(corpus, target_is_directory=True)
    (bad / "dangling.txt").symlink_to(bad / "nowhere.txt")
    os.mkfifo(bad / "pipe.txt")
    (bad / "empty.json").write_text("   ")
    return corpus


EXPECTED_FAILURES = {
    "truncated.json": "invalid JSON",
    "mixed-list.json[1]": "not a WordPress REST object",
    "mixed-list.json[2]": "not a WordPress REST object",
    "photo.html": "binary file",
    "huge.txt": "over the 20,971,520-byte limit",
    "deep.json": "nested too deeply",
    "dangling.txt": "cannot read file",
    "pipe.txt": "not a regular file",
    "empty.json": "file is empty",
}


def test_each_bad_file_is_named_and_good_documents_are_indexed(tmp_path, taxonomy, hostile_folder):
    report = reindex(tmp_path / "ix", taxonomy, [str(hostile_folder)])
    failures = {Path(f.path).name: f.reason for f in report.failed}
    assert set(failures) == set(EXPECTED_FAILURES)
    for name, reason in EXPECTED_FAILURES.items():
        assert reason in failures[name], (name, failures[name])
    titles = {doc.title for doc in report.added}
    assert {"Café society", "Laughs", "deep text", "Deep Learning Group"} <= titles
    assert len(report.added) == 36 + 3  # the samples, latin1.txt, deep.html, laughs.html


def test_size_cap_is_configurable(tmp_path, taxonomy, corpus):
    story = corpus / "articles" / "002_2617209aba1bfd98.txt"
    report = reindex(tmp_path / "ix", taxonomy, [str(story)], max_file_bytes=1000)
    assert [f.reason for f in report.failed] == [
        f"file is {story.stat().st_size:,} bytes, over the 1,000-byte limit"
    ]


def test_unreadable_file_is_named(tmp_path, taxonomy, corpus):
    secret = corpus / "articles" / "002_2617209aba1bfd98.txt"
    secret.chmod(0)
    if os.access(secret, os.R_OK):
        pytest.skip("running as root: file permissions do not stop reading")
    report = reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    assert [(Path(f.path).name, f.reason) for f in report.failed] == [
        (secret.name, "cannot read file: Permission denied")
    ]
