"""What area inference costs a reindex of a large corpus, against learning from scratch.

Run: `python -m benchmarks.inference_cost [PAGES]` (default 100,000; also part of
`make bench`). Builds PAGES documents by copying the sample corpus (each copy with
its own id and one word of its own, so every page hashes differently, and the labelled
share of the samples kept), then times the inference stage of reindex
(``index.area_guesses.with_inferred_areas`` plus reading and saving its files):

- from scratch: no saved files, every labelled page learned, every other page guessed
  (the baseline: what each reindex would cost without the saved files);
- no change: the same pages again;
- 10 changed unlabelled pages, then 10 changed labelled pages.

Scanning sources and writing Whoosh are not included: they cost the same either way.
"""

import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from index.area_guesses import (
    Inference,
    load_counts,
    load_saved_guesses,
    save_inference,
    with_inferred_areas,
)
from index.document import Document
from index.scan import scan
from index.taxonomy import load_taxonomy

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
DEFAULT_PAGES = 100_000
CHANGED = 10


def copies(samples: list[Document], pages: int) -> dict[str, Document]:
    docs = {}
    for number in range(pages):
        doc = samples[number % len(samples)]
        copy = replace(
            doc, id=f"{doc.id}#{number}", body=f"{doc.body} copy{number}", content_hash=""
        )
        docs[copy.id] = copy
    return docs


def edited(docs: dict[str, Document], labelled: bool) -> dict[str, Document]:
    """``docs`` with CHANGED pages (labelled or not) given one more sentence."""
    chosen = [doc for doc in docs.values() if bool(doc.areas) == labelled][:CHANGED]
    changes = {
        doc.id: replace(doc, body=doc.body + " Edited today.", areas_inferred=(), content_hash="")
        for doc in chosen
    }
    return {**docs, **changes}


def as_read(docs: dict[str, Document]) -> dict[str, Document]:
    """Pages as a reader returns them: no inferred areas yet."""
    return {
        doc_id: replace(doc, areas_inferred=(), content_hash="") if doc.areas_inferred else doc
        for doc_id, doc in docs.items()
    }


def run_stage(
    index_dir: Path, found: dict[str, Document], indexed: dict[str, Document], keywords: dict
) -> tuple[Inference, float]:
    started = time.perf_counter()
    inference = with_inferred_areas(
        found,
        indexed,
        {},
        keywords,
        load_saved_guesses(index_dir),
        lambda trained_on: load_counts(index_dir, trained_on),
    )
    save_inference(index_dir, inference)
    return inference, time.perf_counter() - started


def timed(label: str, baseline: float | None, run: Callable[[], float]) -> float:
    seconds = run()
    ratio = f"{seconds / baseline:8.3f}x" if baseline else f"{'1x':>9}"
    print(f"{label:<34}{seconds:>9.2f} s{ratio}")
    return seconds


def main(argv: list[str]) -> int:
    pages = int(argv[0]) if argv else DEFAULT_PAGES
    taxonomy = load_taxonomy()
    samples = list(scan([str(SAMPLES)], taxonomy, lambda files: files).documents.values())
    found = copies(samples, pages)
    labelled = sum(bool(doc.areas) for doc in found.values())
    print(f"inference stage over {pages:,} pages ({labelled:,} labelled), seconds and ratio")
    with tempfile.TemporaryDirectory() as folder:
        index_dir = Path(folder)
        state: dict[str, dict[str, Document]] = {"indexed": {}}

        def step(docs: dict[str, Document]) -> Callable[[], float]:
            def run() -> float:
                inference, seconds = run_stage(index_dir, docs, state["indexed"], taxonomy.keywords)
                state["indexed"] = inference.documents
                return seconds

            return run

        baseline = timed("from scratch (baseline)", None, step(found))
        timed("no change", baseline, step(found))
        unlabelled_edit = edited(as_read(state["indexed"]), labelled=False)
        timed(f"{CHANGED} unlabelled pages changed", baseline, step(unlabelled_edit))
        labelled_edit = edited(as_read(state["indexed"]), labelled=True)
        timed(f"{CHANGED} labelled pages changed", baseline, step(labelled_edit))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
