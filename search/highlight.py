"""Highlighted titles and snippets: escaped document text with only <mark> added."""

from html import escape

from whoosh.highlight import ContextFragmenter, Formatter, WholeFragmenter
from whoosh.searching import Hit

SNIPPET_CHARS = 220
SNIPPET_FRAGMENTS = 2


class MarkFormatter(Formatter):
    """Whoosh formatter that escapes every character and wraps matches in <mark>."""

    between = " … "

    def _text(self, text: str) -> str:
        return escape(text, quote=False)

    def format_token(self, text: str, token, replace: bool = False) -> str:
        matched = token.text if replace else text[token.startchar : token.endchar]
        return f"<mark>{escape(matched, quote=False)}</mark>"


def title_html(hit: Hit) -> str:
    title = hit.get("title", "")
    marked = _highlight(hit, "title", WholeFragmenter(), top=1)
    return marked or escape(title, quote=False)


def snippet_html(hit: Hit) -> str:
    """The best passages of the body with matches marked, else the escaped summary."""
    marked = _highlight(
        hit, "body", ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70), SNIPPET_FRAGMENTS
    )
    return marked or escape(hit.get("summary", ""), quote=False)


def _highlight(hit: Hit, field: str, fragmenter, top: int) -> str:
    results = hit.results
    previous = (results.fragmenter, results.formatter)
    results.fragmenter, results.formatter = fragmenter, MarkFormatter()
    try:
        return hit.highlights(field, top=top)
    finally:
        results.fragmenter, results.formatter = previous
