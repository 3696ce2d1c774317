"""The benchmark corpus: real Debian documentation recombined into 1k, 10k or 100k documents.

Each document is a few consecutive sections of one real page (so it reads as one topic),
sometimes with a section from elsewhere; half are WordPress REST list pages (100 objects
per file, as the API returns them), half full HTML news pages. Areas, types, people and
years follow skewed distributions, as on a real site. The corpus is seeded, so the same
size always gives the same files, and cached under var/bench/corpus-<size>/.
"""

import json
import os
import random
import shutil
import time
from bisect import bisect
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from itertools import accumulate
from pathlib import Path

from benchmarks.debian_pages import Section, all_sections
from benchmarks.page_shapes import Area, GeneratedDocument, article_page, wordpress_object
from benchmarks.people import researcher_names

SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}
SEED = 2024
# Bump when what the builder writes changes, so cached corpora are rebuilt.
VERSION = 2
PER_PAGE = 100
FILES_PER_FOLDER = 1000
REPOSITORY = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(os.environ.get("RESEARCH_SEARCH_BENCH_DIR") or REPOSITORY / "var/bench")
# Hidden, so reindex passes over it.
_MANIFEST = ".manifest.json"
# Publications outnumber projects, which outnumber groups, as on a research site.
WORDPRESS_TYPES = {
    "msr-research-item": 40,
    "msr-project": 20,
    "msr-blog-post": 15,
    "post": 10,
    "msr-event": 8,
    "msr-group": 7,
}
SECTIONS_PER_DOCUMENT = (30, 25, 18, 12, 8, 7)  # weights for 1..6 sections
AREAS_PER_DOCUMENT = (10, 35, 30, 15, 7, 3)  # weights for 0..5 areas
PEOPLE_PER_DOCUMENT = (15, 20, 20, 15, 10, 8, 6, 4, 2)  # weights for 0..8 people
FIRST_YEAR, LAST_YEAR = 2005, 2025


class Zipf:
    """Picks from ``values`` with weight 1/rank**s: the first few are picked most."""

    def __init__(self, values: Sequence, s: float = 1.0):
        self.values = list(values)
        self.cumulative = list(accumulate(1 / rank**s for rank in range(1, len(values) + 1)))

    def pick(self, rng: random.Random) -> object:
        return self.values[bisect(self.cumulative, rng.random() * self.cumulative[-1])]

    def pick_distinct(self, rng: random.Random, count: int) -> tuple:
        picked: dict = {}
        for _ in range(count * 4):
            if len(picked) == count:
                break
            picked.setdefault(self.pick(rng), None)
        return tuple(picked)


def corpus_dir(label: str) -> Path:
    return BENCH_DIR / f"corpus-{label}"


def build_corpus(label: str) -> Path:
    """The corpus folder for ``label`` ("1k", "10k", "100k"), built unless cached."""
    target = corpus_dir(label)
    expected = {"version": VERSION, "seed": SEED, "documents": SIZES[label]}
    if _manifest(target) == expected:
        return target
    started = time.perf_counter()
    building = target.with_name(target.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    write_corpus(generate_documents(SIZES[label], all_sections()), building)
    (building / _MANIFEST).write_text(json.dumps(expected), "utf-8")
    shutil.rmtree(target, ignore_errors=True)
    building.rename(target)
    print(f"built corpus-{label} in {time.perf_counter() - started:.0f} s: {target}")
    return target


def _manifest(folder: Path) -> dict | None:
    try:
        return json.loads((folder / _MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def generate_documents(count: int, sections: list[Section]) -> Iterator[GeneratedDocument]:
    areas = Zipf(popular_areas(), s=1.1)
    people = Zipf(researcher_names(), s=0.9)
    for number in range(count):
        yield _document(number, random.Random(f"{SEED}:{number}"), sections, areas, people)


def _document(
    number: int, rng: random.Random, sections: list[Section], areas: Zipf, people: Zipf
) -> GeneratedDocument:
    chosen = _sections(rng, sections)
    is_article = rng.random() < 0.5
    post_type = "article" if is_article else _weighted(rng, WORDPRESS_TYPES)
    head_count = rng.choice((1, 1, 2)) if is_article else _weighted(rng, PEOPLE_PER_DOCUMENT)
    published = _published(rng)
    title = chosen[0].heading
    if len(chosen) > 1 and rng.random() < 0.3:
        title = f"{title}: {chosen[1].heading[:1].lower()}{chosen[1].heading[1:]}"
    return GeneratedDocument(
        number=number,
        post_type=post_type,
        title=title,
        sections=chosen,
        areas=areas.pick_distinct(rng, _weighted(rng, AREAS_PER_DOCUMENT)),
        people=people.pick_distinct(rng, head_count),
        published=published,
        modified=min(published + timedelta(days=rng.expovariate(1 / 200)), datetime(2025, 12, 31)),
        related_titles=tuple(rng.choice(sections).heading for _ in range(4)) if is_article else (),
    )


def _sections(rng: random.Random, sections: list[Section]) -> tuple[Section, ...]:
    """Consecutive sections of one page; now and then one from another page as well."""
    wanted = _weighted(rng, SECTIONS_PER_DOCUMENT) + 1
    start = rng.randrange(len(sections))
    chosen = [sections[start]]
    for section in sections[start + 1 : start + wanted]:
        if section.page != chosen[0].page:
            break
        chosen.append(section)
    if rng.random() < 0.3:
        chosen.append(rng.choice(sections))
    return tuple(chosen)


def _weighted(rng: random.Random, weights: Sequence[int] | dict[str, int]) -> object:
    """An index into ``weights`` (or a key of a dict of weights), picked by weight."""
    keys = list(weights) if isinstance(weights, dict) else range(len(weights))
    values = list(weights.values()) if isinstance(weights, dict) else weights
    return rng.choices(keys, weights=values)[0]


def _published(rng: random.Random) -> datetime:
    years = range(FIRST_YEAR, LAST_YEAR + 1)
    year = rng.choices(years, weights=[1.18**i for i in range(len(years))])[0]
    return datetime(year, 1, 1) + timedelta(seconds=rng.randrange(365 * 24 * 3600))


def popular_areas() -> list[Area]:
    """The shipped taxonomy's areas in a fixed random popularity order."""
    terms = json.loads((REPOSITORY / "index/taxonomy.json").read_text("utf-8"))
    areas = [Area(t["name"], t["slug"], t["id"]) for t in terms]
    random.Random(SEED).shuffle(areas)
    return areas


def write_corpus(documents: Iterator[GeneratedDocument], folder: Path) -> None:
    """HTML pages in folders of a thousand; WordPress objects in list pages per type."""
    pending: dict[str, list[dict]] = {}
    pages: dict[str, int] = {}
    for doc in documents:
        if doc.post_type == "article":
            path = folder / "articles" / f"{doc.number // FILES_PER_FOLDER:03d}"
            path.mkdir(parents=True, exist_ok=True)
            name = f"{doc.published:%Y-%m-%d}-{doc.slug[:60]}-{doc.number}.html"
            (path / name).write_text(article_page(doc), "utf-8")
            continue
        batch = pending.setdefault(doc.post_type, [])
        batch.append(wordpress_object(doc))
        if len(batch) == PER_PAGE:
            pages[doc.post_type] = _write_list_page(folder, doc.post_type, batch, pages)
            batch.clear()
    for post_type, batch in pending.items():
        if batch:
            _write_list_page(folder, post_type, batch, pages)


def _write_list_page(folder: Path, post_type: str, batch: list[dict], pages: dict) -> int:
    number = pages.get(post_type, 0) + 1
    path = folder / "wordpress" / post_type / f"page-{number:04d}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(batch), "utf-8")
    return number
