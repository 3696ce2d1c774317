"""Synonyms and acronyms: a query that names a thing one way also finds its other names.

Groups come from `search/synonyms.txt` (shipped) and an optional file of the user's in the
same form. The query text is rewritten before parsing, so `ai ethics` is searched as
`(ai OR "artificial intelligence") ethics`; quoted phrases, `field:` terms and excluded
words are left as typed.
"""

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from search.errors import ConfigurationError

_TOKENS = re.compile(r'"[^"]*"?|\S+')
_PLAIN_WORD = re.compile(r"\w+(?:-\w+)*")


@dataclass(frozen=True)
class Synonyms:
    """Each known name (a tuple of lower-case words) -> every name in its group."""

    names: dict[tuple[str, ...], tuple[tuple[str, ...], ...]]

    @property
    def longest(self) -> int:
        return max((len(name) for name in self.names), default=0)

    def expand(self, text: str) -> str:
        """``text`` with every run of plain words that names a group widened to the group."""
        tokens = _TOKENS.findall(text)
        out: list[str] = []
        i = 0
        while i < len(tokens):
            match = self._match_at(tokens, i)
            if match is None:
                out.append(tokens[i])
                i += 1
                continue
            length, group = match
            out.append(_alternatives(tokens[i : i + length], group))
            i += length
        return " ".join(out)

    def _match_at(self, tokens: list[str], start: int):
        for length in range(min(self.longest, len(tokens) - start), 0, -1):
            run = tokens[start : start + length]
            if not all(_PLAIN_WORD.fullmatch(token) for token in run):
                continue
            key = tuple(_words(" ".join(run)))
            if key in self.names:
                return length, self.names[key]
        return None


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _alternatives(typed: list[str], group: tuple[tuple[str, ...], ...]) -> str:
    original = tuple(_words(" ".join(typed)))
    others = [name for name in group if name != original]
    as_typed = " ".join(typed) if len(typed) == 1 else f"({' '.join(typed)})"
    spelled = [name[0] if len(name) == 1 else '"' + " ".join(name) + '"' for name in others]
    return "(" + " OR ".join([as_typed, *spelled]) + ")"


def parse_synonyms(text: str, source: str) -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    names: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        group = tuple(dict.fromkeys(tuple(_words(name)) for name in line.split(",")))
        group = tuple(name for name in group if name)
        if len(group) < 2:
            raise ConfigurationError(f"{source}:{number}: a group needs two or more names")
        _add_group(names, group)
    return names


def _add_group(names: dict, group: tuple[tuple[str, ...], ...]) -> None:
    """Add ``group``, joining it with any group that shares a name (synonymy is transitive)."""
    merged = tuple(dict.fromkeys(n for name in group for n in names.get(name, (name,))))
    for name in merged:
        names[name] = merged


def load_synonyms(extra: str | Path | None = None) -> Synonyms:
    """The shipped groups, plus the user's file at ``extra`` when given."""
    shipped = resources.files("search").joinpath("synonyms.txt").read_text("utf-8")
    names = parse_synonyms(shipped, "search/synonyms.txt")
    if extra:
        try:
            text = Path(extra).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigurationError(f"cannot read synonyms file {extra}: {error}") from error
        for group in set(parse_synonyms(text, str(extra)).values()):
            _add_group(names, group)
    return Synonyms(names)
