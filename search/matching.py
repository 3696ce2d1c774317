"""A fix to whoosh3 3.54.0's `a ANDNOT b` matcher, applied when search/ is imported.

Its ``_find_first`` skipped past excluded documents only when both sides started on the
same one; when ``b`` started earlier, ``a``'s first document was kept even if ``b`` held
it, so `deep -vision` could count (and list) a page that mentions vision.
"""

from whoosh.matching import binary


def _find_first(self: binary.AndNotMatcher) -> None:
    if self.a.is_active() and self.b.is_active():
        self._find_next()


binary.AndNotMatcher._find_first = _find_first
