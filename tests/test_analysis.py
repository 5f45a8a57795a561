"""Analysis: folding, apostrophes, acronyms, stemming that collapses inflections, stop words."""

from __future__ import annotations

import pickle

import pytest

from searchkit.analysis import STOP_WORDS, fold, news_analyzer, terms


@pytest.mark.parametrize(
    "left, right",
    [
        ("Erdoğan", "Erdogan"),
        ("Zürich", "zurich"),
        ("São Paulo", "Sao Paulo"),
        ("Øresund", "Oresund"),
        ("Kremlin’s", "Kremlin's"),
        ("Kremlin’s", "Kremlin"),
        ("organized", "organizing"),
        ("organizing", "organization"),
        ("organizations", "organized"),
        ("sanctions", "sanctioned"),
        ("U.S.", "US"),
        ("2,500", "2500"),
    ],
)
def test_forms_that_must_find_each_other(left, right):
    assert terms(left) == terms(right)


def test_stop_words_are_not_indexed():
    assert terms("the state of the union and a plan") == ["state", "union", "plan"]
    assert "the" in STOP_WORDS


def test_fold():
    assert fold("Łukasz Wróbel ÇAĞLA") == "lukasz wrobel cagla"


def test_analyzer_positions_skip_stop_words_and_keep_offsets():
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in news_analyzer()("The U.S. and Kremlin’s plan", positions=True, chars=True)
    ]
    assert tokens == [("us", 0, 4, 8), ("kremlin", 1, 13, 22), ("plan", 2, 23, 27)]


def test_analyzer_pickles_for_the_schema():
    analyzer = pickle.loads(pickle.dumps(news_analyzer()))
    assert [t.text for t in analyzer("Organizations")] == ["organiz"]


def test_acronym_plurals_meet_their_singular():
    assert terms("NGOs MPs RXRs") == terms("NGO MP RXR") == ["ngo", "mp", "rxr"]
    assert terms("ISIS") == ["isi"] and terms("1990s") == ["1990s"]
