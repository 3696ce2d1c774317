"""The Whoosh schema, and the one place a Document becomes index fields and back."""

from datetime import UTC, datetime

from whoosh.analysis import IDTokenizer, LowercaseFilter, RegexTokenizer
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

from index.analysis import FoldedWords
from index.document import Document

# Multi-valued exact fields (areas, people) keep one value per line.
VALUE_SEPARATOR = "\n"


def text_analyzer() -> FoldedWords:
    """Lower-cased, accent-folded, stop-worded, stemmed words: 'Réseaux' finds 'reseau'."""
    return FoldedWords()


def spelling_analyzer() -> FoldedWords:
    """Unstemmed words, for "did you mean" suggestions that are real words."""
    return FoldedWords(r"[^\W\d_]{3,}", stops=False, stemmed=False)


def word_analyzer() -> FoldedWords:
    """Whole words, lower-cased and accent-folded, unstemmed: for completing what is typed."""
    return FoldedWords(r"\w+", stops=False, stemmed=False)


class AnalysedText(TEXT):
    """A TEXT field whose words are gathered in one loop when a document is indexed.

    Whoosh indexes a text through a Token per word and a format that counts them again;
    ``FoldedWords.positions`` gathers the same words and positions at once, and the
    postings are encoded here exactly as the Positions and Frequency formats encode them
    (tests/index/test_schema.py compares the two on real text). Anything else takes
    Whoosh's way.
    """

    def index(self, value, **kwargs):
        fmt, analyzer = self.format, self.analyzer
        if kwargs or not isinstance(value, str) or not isinstance(analyzer, FoldedWords):
            return super().index(value, **kwargs)
        boost = fmt.field_boost
        if type(fmt) is Positions:
            encode = fmt.encode
            words = analyzer.positions(value).items()
            return [(w.encode(), len(p), len(p) * boost, encode(p)) for w, p in words]
        if type(fmt) is Frequency:
            counts = analyzer.frequencies(value).items()
            return [(w.encode(), n, n * boost, pack_uint(n)) for w, n in counts]
        return super().index(value, **kwargs)


def exact_values():
    return KEYWORD(stored=True, analyzer=RegexTokenizer(r"[^\n]+"))


def build_schema() -> Schema:
    analyzer = text_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        url=STORED(),
        title=AnalysedText(analyzer=analyzer, stored=True),
        summary=AnalysedText(analyzer=analyzer, stored=True),
        headings=AnalysedText(analyzer=analyzer, stored=True),
        body=AnalysedText(analyzer=analyzer, stored=True),
        people_text=AnalysedText(analyzer=analyzer),
        area_text=AnalysedText(analyzer=analyzer),
        kind=ID(stored=True, analyzer=IDTokenizer() | LowercaseFilter()),
        areas=exact_values(),
        areas_inferred=exact_values(),
        people=exact_values(),
        locale=ID(stored=True),
        labs=exact_values(),
        group_type=ID(stored=True),
        year=ID(stored=True),
        published=DATETIME(stored=True),
        # Seconds since 1970 for "newest first"; undated documents hold 0 and sort last.
        recency=NUMERIC(bits=64, signed=True, sortable=True),
        modified=STORED(),
        source=ID(stored=True),
        content_hash=STORED(),
        spelling=AnalysedText(analyzer=spelling_analyzer(), phrase=False),
        title_words=AnalysedText(analyzer=word_analyzer(), phrase=False),
    )


def document_fields(doc: Document) -> dict:
    """The Whoosh fields for ``doc``; empty values are left out, as Whoosh expects."""
    fields = {
        "id": doc.id,
        "url": doc.url,
        "title": doc.title,
        "summary": doc.summary,
        "headings": VALUE_SEPARATOR.join(doc.headings),
        "body": doc.body,
        "people_text": " ".join(doc.people),
        "area_text": " ".join(doc.areas),
        "kind": doc.kind,
        "areas": VALUE_SEPARATOR.join(doc.areas),
        "areas_inferred": VALUE_SEPARATOR.join(doc.areas_inferred),
        "people": VALUE_SEPARATOR.join(doc.people),
        "locale": doc.locale,
        "labs": VALUE_SEPARATOR.join(doc.labs),
        "group_type": doc.group_type,
        "year": str(doc.year) if doc.year else "",
        "published": _naive_utc(doc.published),
        "recency": int(doc.published.timestamp()) if doc.published else 0,
        "modified": doc.modified.isoformat() if doc.modified else "",
        "source": doc.source,
        "content_hash": doc.content_hash,
        "spelling": " ".join([doc.title, doc.body, *doc.people]),
        "title_words": doc.title,
    }
    return {name: value for name, value in fields.items() if value not in ("", None)}


def document_from_stored(stored: dict) -> Document:
    """Rebuild the Document that ``document_fields`` wrote (all of it is stored)."""
    published = stored.get("published")
    modified = stored.get("modified")
    return Document(
        id=stored["id"],
        url=stored.get("url", ""),
        title=stored.get("title", ""),
        kind=stored.get("kind", ""),
        body=stored.get("body", ""),
        summary=stored.get("summary", ""),
        areas=split_values(stored.get("areas")),
        areas_inferred=split_values(stored.get("areas_inferred")),
        people=split_values(stored.get("people")),
        headings=split_values(stored.get("headings")),
        locale=stored.get("locale", ""),
        labs=split_values(stored.get("labs")),
        group_type=stored.get("group_type", ""),
        published=published.replace(tzinfo=UTC) if published else None,
        modified=datetime.fromisoformat(modified) if modified else None,
        source=stored.get("source", ""),
        content_hash=stored.get("content_hash", ""),
    )


def split_values(value: str | None) -> tuple[str, ...]:
    return tuple(v for v in (value or "").split(VALUE_SEPARATOR) if v)


def _naive_utc(moment: datetime | None) -> datetime | None:
    # Whoosh's DATETIME field stores naive datetimes; ours are all UTC.
    return moment.astimezone(UTC).replace(tzinfo=None) if moment else None
