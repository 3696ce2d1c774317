"""Two fixes to whoosh3 3.54.0's matchers, applied when search/ is imported.

- ``a ANDNOT b``: ``_find_first`` skipped past excluded documents only when both sides
  started on the same one; when ``b`` started earlier, ``a``'s first document was kept even
  if ``b`` held it, so `deep -vision` could count (and list) a page that mentions vision.
- A union of many clauses (``ArrayUnionMatcher``, what an OR over several fields becomes)
  reported the largest clause's best score as its best possible score, but a document
  matching several clauses scores their sum. Top-N collection trusts that bound to drop
  documents early, so an optional lift (``ANDMAYBE``) lost results that belonged in the
  top N: page 1 and page 2 could share a result.
"""

from whoosh.matching import binary, combo


def _find_first(self: binary.AndNotMatcher) -> None:
    if self.a.is_active() and self.b.is_active():
        self._find_next()


def _union_max_quality(self: combo.ArrayUnionMatcher) -> float:
    remaining = sum(m.max_quality() for m in self._submatchers if m.is_active()) * self._boost
    return max(remaining, self.block_quality())


binary.AndNotMatcher._find_first = _find_first
combo.ArrayUnionMatcher.max_quality = _union_max_quality
