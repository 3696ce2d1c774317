"""Held-out accuracy of inferred research areas on the sample corpus.

Run: `python -m benchmarks.inference` (also part of `make bench`). For each sample page
that names its own areas, hide them, learn profiles from the other labelled pages, guess,
and compare with the hidden areas. Prints precision (guessed areas that are right),
recall (hidden areas that were guessed) and the pages that got no guess, for keywords
only, profiles only, and both; then the guesses for the pages that name no area.
"""

import sys
from dataclasses import dataclass, replace
from pathlib import Path

from index.document import Document
from index.inference import AreaCounts, area_model, count_documents, infer_areas
from index.scan import scan
from index.taxonomy import load_taxonomy

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
MODES = {
    "keywords only": (True, False),
    "profiles only": (False, True),
    "both": (True, True),
}


@dataclass(frozen=True)
class HeldOut:
    guessed: int
    right: int
    hidden: int
    pages: int
    no_guess: int

    @property
    def precision(self) -> float:
        return self.right / self.guessed if self.guessed else 0.0

    @property
    def recall(self) -> float:
        return self.right / self.hidden if self.hidden else 0.0


def held_out(
    docs: list[Document], keywords: dict, use_keywords: bool, use_profiles: bool
) -> HeldOut:
    """Guess each labelled page's areas from the other pages, its own areas hidden."""
    labelled = [doc for doc in docs if doc.areas]
    guessed = right = hidden = no_guess = 0
    for doc in labelled:
        others = [other for other in labelled if other.id != doc.id]
        counts = count_documents(others) if use_profiles else AreaCounts()
        model = area_model(counts, keywords if use_keywords else {})
        guess = set(infer_areas(model, replace(doc, areas=())))
        guessed += len(guess)
        right += len(guess & set(doc.areas))
        hidden += len(doc.areas)
        no_guess += not guess
    return HeldOut(guessed, right, hidden, len(labelled), no_guess)


def main() -> int:
    taxonomy = load_taxonomy()
    docs = list(scan([str(SAMPLES)], taxonomy, lambda files: files).documents.values())
    print(f"held-out areas over the {sum(bool(d.areas) for d in docs)} labelled sample pages")
    print(f"{'evidence':<16}{'precision':>10}{'recall':>8}{'guessed':>9}{'no guess':>10}")
    for mode, (use_keywords, use_profiles) in MODES.items():
        score = held_out(docs, taxonomy.keywords, use_keywords, use_profiles)
        print(
            f"{mode:<16}{score.precision:>10.2f}{score.recall:>8.2f}"
            f"{score.guessed:>9}{score.no_guess:>7} of {score.pages}"
        )
    model = area_model(count_documents(d for d in docs if d.areas), taxonomy.keywords)
    print("\nguesses for the pages that name no area (both kinds of evidence):")
    for doc in docs:
        if not doc.areas:
            print(f"  {doc.title[:60]:<60}  {', '.join(infer_areas(model, doc)) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
