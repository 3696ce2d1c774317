"""The judged query sets in benchmarks/judgments/: tab-separated, `#` starts a comment line."""

from dataclasses import dataclass
from pathlib import Path

FOLDER = Path(__file__).parent / "judgments"
SAMPLES = FOLDER / "samples.tsv"
PYTHON_MANUAL = FOLDER / "python-manual.tsv"
TYPOS = FOLDER / "typos.tsv"


@dataclass(frozen=True)
class Judgment:
    """A query and the pages that answer it; the first of them found counts."""

    query: str
    expected: tuple[str, ...]
    category: str


@dataclass(frozen=True)
class Typo:
    """A word as typed, the word meant (itself when it must be left alone), and the slip."""

    typed: str
    intended: str
    kind: str

    @property
    def must_keep(self) -> bool:
        return self.kind == "keep"

    @property
    def edits(self) -> int:
        return 2 if self.kind == "two" else 1


def read_judgments(path: Path) -> list[Judgment]:
    return [
        Judgment(query, tuple(expected.split("|")), category)
        for query, expected, category in _rows(path, 3)
    ]


def read_typos(path: Path = TYPOS) -> list[Typo]:
    return [Typo(*row) for row in _rows(path, 3)]


def _rows(path: Path, width: int) -> list[list[str]]:
    rows = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        row = line.split("\t")
        if len(row) != width or not all(row):
            raise ValueError(f"{path}:{number}: expected {width} tab-separated columns: {line!r}")
        rows.append(row)
    return rows
