"""News articles, as HTML pages or plain text -> Document records."""

import hashlib
import re
from pathlib import Path

from index.decoding import decode_html, decode_text
from index.document import Document
from index.errors import SourceError
from index.extract import normalise_text, parsed_html
from index.field_values import first_line, parse_date, summary_of, unique, web_url
from index.html_page import extract_article
from index.taxonomy import Taxonomy

# An internal DTD subset (entity definitions) is not HTML; lxml would show it as text.
_DOCTYPE_SUBSET = re.compile(rb"<!doctype[^>\[]*\[.*?\]\s*>", re.DOTALL | re.IGNORECASE)
# A line that starts the site furniture appended after a plain-text story. The whole
# line must match: a story line may start the same way ("One comment stood out ...").
_TRAILER_START = re.compile(
    r"^\s*("
    r"(sign up|subscribe)( to| for)? (our|the) newsletter|(get|join) (our|the) newsletter|"
    r"newsletter sign-?up|leave a (reply|comment)( cancel reply| to .*)?|(post|add) a comment|"
    r"join the (discussion|conversation)|(\d+|one|no) (comments?|responses?|replies|thoughts?)"
    r"( (on|to) .*)?|share this( article| story| post| page)?|like this|"
    r"related (articles|stories|posts)|you (may|might) also like|"
    r"comments? (are )?(closed|moderated).*|(our )?comment(ing)? policy.*|"
    r"your email address will not be published.*|this site uses akismet.*"
    r")\s*[:.!]?\s*$",
    re.IGNORECASE,
)
# Reader comments are an indented numbered list ("  1. ...") after the story.
_COMMENT_ITEM = re.compile(r"^\s{2,}1\.\s+\S")


def read_html_article(path: Path, data: bytes, taxonomy: Taxonomy) -> Document:
    """An HTML news article: main content only, metadata from the page's head.

    Research areas are the page's tags and keywords that name a known area.
    """
    data = _DOCTYPE_SUBSET.sub(b"", data[:65536], count=1) + data[65536:]
    with parsed_html(decode_html(data)) as soup:
        page = extract_article(soup)
    if not page.text:
        raise SourceError(str(path), "HTML page has no text in its main content")
    # The trail ends the body: searchable, and out of the way of the summary.
    trail = " \u203a ".join(page.trail)
    return Document(
        id=file_id(path),
        url=web_url(page.url),
        title=page.title or first_line(page.text),
        kind="article",
        body=f"{page.text}\n{trail}" if trail else page.text,
        summary=summary_of(page.description or page.text),
        areas=unique(area for tag in page.tags if (area := taxonomy.area_for_label(tag))),
        people=unique(page.authors),
        headings=page.headings,
        published=parse_date(page.published),
        modified=parse_date(page.modified),
        source=str(path),
    )


def read_text_article(path: Path, data: bytes) -> Document:
    """A plain-text article: the headline on the first line, then the story."""
    headline, story = split_text_article(decode_text(data))
    if not headline:
        raise SourceError(str(path), "text article has no headline")
    return Document(
        id=file_id(path),
        url="",
        title=headline,
        kind="article",
        body=story,
        summary=summary_of(story),
        source=str(path),
    )


def split_text_article(text: str) -> tuple[str, str]:
    """(headline, story) of a plain-text article: the first line is the headline.

    The story stops where the site's trailer begins: a newsletter box, the comment
    form or policy, share and related-story lists, or an indented numbered list of
    reader comments.
    """
    lines = text.splitlines()
    while lines and not normalise_text(lines[0]):
        lines.pop(0)
    if not lines:
        return "", ""
    headline, rest = normalise_text(lines[0]), lines[1:]
    trailer = (i for i, line in enumerate(rest) if _is_trailer_start(line))
    end = next(trailer, len(rest))
    return headline, normalise_text("\n".join(rest[:end]))


def file_id(path: Path) -> str:
    digest = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:10]
    return f"article:{path.stem}:{digest}"


def _is_trailer_start(line: str) -> bool:
    return bool(_TRAILER_START.match(line) or _COMMENT_ITEM.match(line))
