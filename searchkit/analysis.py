"""Text analysis for English news: words in, index terms out.

One analyzer serves indexing, querying and highlighting, so the three always
agree. For each word it:

* finds words with :data:`TOKEN_PATTERN`: letters and digits, words with
  inner apostrophes (``Kremlin's``), dotted acronyms (``U.S.`` -> ``us``) and
  numbers with separators (``2,500`` -> ``2500``, ``3.5`` stays);
* folds case and accents (``Erdoğan`` -> ``erdogan``, ``Øresund`` ->
  ``oresund``) and treats curly and straight apostrophes alike;
* drops possessive ``'s``, the plural ``s`` of acronyms (``NGOs`` -> ``ngo``)
  and the English stop words in :data:`STOP_WORDS`;
* stems with the Snowball English stemmer (PyStemmer, a C extension), which
  collapses ``organized``, ``organizing`` and ``organization`` to ``organiz``
  where Whoosh's stock Porter stemmer keeps them apart.

The analyzers are pickled into the index schema, so opening a searchkit index
with plain Whoosh needs ``searchkit`` importable.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from whoosh.analysis import Filter, RegexTokenizer

TOKEN_PATTERN = r"(?:[^\W\d_]\.){2,}|\d+(?:[.,]\d+)+|\w+(?:['’ʼ]\w+)*"
"""Dotted acronyms, numbers with separators, or words with inner apostrophes."""

STOP_WORDS = frozenset(
    """a an and are as at be but by for if in into is it no not of on or such
    that the their then there these they this to was will with""".split()
)
"""Lucene's English stop words: frequent enough to carry no ranking signal."""

_SPECIAL_FOLDS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "’": "'", "ʼ": "'"}
)
_TOKEN_RE = re.compile(TOKEN_PATTERN)
_ACRONYM_PLURAL = re.compile(r"[A-Z][A-Z0-9]+s")
"""``MPs``, ``NGOs``, ``RXRs``: the stemmer leaves plurals of capitalised acronyms alone."""


def fold(text: str) -> str:
    """Lower-case ``text`` and strip its accents: ``Erdoğan`` -> ``erdogan``."""
    text = text.lower().translate(_SPECIAL_FOLDS)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class NewsFilter(Filter):
    """Fold, drop stop words and stem, in one pass with a cache per word form.

    With ``stem=False`` and no stop words this is the folding used for
    author names.
    """

    def __init__(self, stem: bool = True, stoplist: frozenset[str] = STOP_WORDS):
        self.stem = stem
        self.stoplist = frozenset(stoplist)
        self._cache: dict[str, str | None] = {}
        self._stemmer = None

    def __getstate__(self):
        return {"stem": self.stem, "stoplist": self.stoplist}

    def __setstate__(self, state):
        self.__init__(**state)

    def __eq__(self, other):
        return type(other) is type(self) and other.__getstate__() == self.__getstate__()

    def term(self, word: str) -> str | None:
        """The index term for one surface word, or None for a stop word."""
        try:
            return self._cache[word]
        except KeyError:
            pass
        if _ACRONYM_PLURAL.fullmatch(word):
            word = word[:-1]
        term = _normalise(fold(word))
        if term in self.stoplist or not term:
            result = None
        elif self.stem and term.isalpha():
            result = self._stem(term)
        else:
            result = term
        if len(self._cache) > 500_000:
            self._cache.clear()
        self._cache[word] = result
        return result

    def _stem(self, word: str) -> str:
        if self._stemmer is None:
            import Stemmer

            self._stemmer = Stemmer.Stemmer("english")
        return self._stemmer.stemWord(word)

    def __call__(self, tokens):
        removed = 0
        for token in tokens:
            term = self.term(token.text)
            if term is None:
                if token.removestops:
                    removed += 1
                    continue
                token.stopped = True
            else:
                token.stopped = False
                token.text = term
            if token.positions and removed:
                token.pos -= removed
            yield token


def _normalise(word: str) -> str:
    """Drop a possessive, the dots of an acronym, thousands separators and apostrophes."""
    if word.endswith("'s"):
        word = word[:-2]
    if word[:1].isdigit():
        return word.replace(",", "")
    return word.replace(".", "").replace("'", "")


def news_analyzer():
    """The analyzer of article and comment text: fold, stop, stem."""
    return RegexTokenizer(TOKEN_PATTERN) | NewsFilter()


def surface_words(text: str) -> set[str]:
    """The distinct words of ``text`` as written, lower-cased (``Erdoğan`` -> ``erdoğan``):
    the vocabulary that completion and "did you mean" offer, never stems."""
    return surface_words_of(_TOKEN_RE.findall(text))


def surface_words_of(words: list[str]) -> set[str]:
    """:func:`surface_words` of words already found by :data:`TOKEN_PATTERN`."""
    found = set()
    for word in set(words):
        try:
            surface = _SURFACE[word]
        except KeyError:
            surface = word.lower().replace("’", "'").replace("ʼ", "'")
            if surface.endswith("'s"):
                surface = surface[:-2]
            if len(surface) < 2:
                surface = None
            if len(_SURFACE) > 500_000:
                _SURFACE.clear()
            _SURFACE[word] = surface
        if surface:
            found.add(surface)
    return found


_SURFACE: dict[str, str | None] = {}


def name_analyzer():
    """The analyzer of author names: fold only, every word kept."""
    return RegexTokenizer(TOKEN_PATTERN) | NewsFilter(stem=False, stoplist=frozenset())


_DEFAULT_FILTER = NewsFilter()
_UNKNOWN = object()
term = _DEFAULT_FILTER.term
"""The index term of one word (None for a stop word), with one cache for every caller."""


def terms(text: str) -> list[str]:
    """The index terms of ``text``, in order: ``terms("Kremlin’s leaders")`` -> ``["kremlin", "leader"]``."""
    found = (_DEFAULT_FILTER.term(m.group()) for m in _TOKEN_RE.finditer(text))
    return [term for term in found if term]


def term_positions(text: str, word_filter: NewsFilter = _DEFAULT_FILTER) -> tuple[dict[str, list[int]], list[str]]:
    """Each index term of ``text`` with its positions, as the news analyzer counts them
    (stop words take no position): the postings of one field of one document. Also
    returns the words as found, for :func:`surface_words_of`."""
    positions: dict[str, list[int]] = {}
    known_terms = word_filter._cache
    term = word_filter.term
    position = 0
    words = _TOKEN_RE.findall(text)
    for word in words:
        found = known_terms.get(word, _UNKNOWN)
        if found is _UNKNOWN:
            found = term(word)
        if found is None:
            continue
        known = positions.get(found)
        if known is None:
            positions[found] = [position]
        else:
            known.append(position)
        position += 1
    return positions, words


def matches_of(text: str, terms, word_filter: NewsFilter = _DEFAULT_FILTER) -> list[tuple[int, int, str]]:
    """(start, end, term) of every word of ``text`` whose index term is one of ``terms``.

    The distinct words are looked up first (one pass in C), so a text is
    scanned word by word only for the words that match; only words that
    start with the first letter of one of ``terms`` are analysed.
    """
    term = word_filter.term
    # A word's index term starts with the word's first letter, lower-cased (stemming and the
    # filter change endings); words starting otherwise are not analysed at all.
    initials = {found[0] for found in terms if found}
    wanted = {
        word
        for word in set(_TOKEN_RE.findall(text))
        if (word[0].lower() in initials or not word[0].isascii()) and term(word) in terms
    }
    if not wanted:
        return []
    return [
        (match.start(), match.end(), term(match.group()))
        for match in _TOKEN_RE.finditer(text)
        if match.group() in wanted
    ]


def words_with_terms(text: str, word_filter: NewsFilter = _DEFAULT_FILTER) -> Iterator[tuple[str, int, int]]:
    """(term, start, end) for every indexed word of ``text``, with character offsets."""
    for match in _TOKEN_RE.finditer(text):
        term = word_filter.term(match.group())
        if term:
            yield term, match.start(), match.end()
