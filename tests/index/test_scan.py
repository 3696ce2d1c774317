"""Scanning in process: a reindex leaves the cycle collector off for its records, but pages
it parses itself (a parsed page is a web of cycles) are still freed as it goes."""

import gc
import shutil
import weakref

import index.extract
import index.reindex
import index.scan
from index.reindex import reindex

COPIES = 24  # about 300 pages, every one parsed in this process


def test_pages_parsed_in_process_are_freed_while_the_reindex_runs(
    tmp_path, taxonomy, corpus, monkeypatch
):
    for n in range(COPIES):
        shutil.copytree(corpus / "articles", corpus / f"copy{n}")
    monkeypatch.setattr(index.scan, "PARALLEL_FROM", 10**9)  # read here, not in workers
    monkeypatch.setattr(index.reindex, "BULK_FROM_FILES", 10**9)
    parse, alive, most, parsed = index.extract.parse_html, weakref.WeakSet(), [0], [0]

    def parse_and_count(markup):
        soup = parse(markup)
        alive.add(soup)
        parsed[0] += 1
        most[0] = max(most[0], len(alive))
        return soup

    monkeypatch.setattr(index.extract, "parse_html", parse_and_count)
    report = reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    assert len(report.added) > 100 and parsed[0] > 100
    # Each page dismantled once read (index/soup.py): freed before the next is parsed.
    assert most[0] == 1, f"{most[0]} of {parsed[0]} parsed pages alive at once"
    assert gc.isenabled()
