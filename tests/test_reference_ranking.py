"""The engine's ranking against an exhaustive reference (tests/reference_ranking.py), on generated queries.

A seeded corpus of JSON Lines articles with comments, written from a small
vocabulary so that words repeat, is indexed in several runs (files added,
one edited, one deleted), so the index has several segments and deleted
documents. Hundreds of generated queries of every kind (plain words, long
questions, phrases, fields, booleans, wildcards, fuzzy terms, boosts, date
clauses, and the scope, sort, author and date options) are ranked by both:
every hit of ``iter_hits`` with its score, and the first 100 of
``Index.search`` (comments folded under their articles) with ``total``.
A failure lists, per kind, which queries differ and how.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from itertools import accumulate

import pytest
from whoosh import index as whoosh_index

from searchkit import build_index, open_index
from searchkit.analysis import term
from searchkit.query import parse_query

from .reference_ranking import Ranking, Reference

SEED = 20261201
TOP = 100
SCORE_TOLERANCE = 1e-6
"""Scores agree to this relative difference."""
TIE_TOLERANCE = 1e-9
"""Scores closer than this (relative) may come in either order."""

# -- the corpus -------------------------------------------------------------

WORDS = """harbour ferry grain wheat barley market price council budget vote river bridge flood storm
harvest farmer tractor village school teacher library museum festival concert orchestra violin
railway station ticket strike union wage factory steel copper mine miner tunnel lantern mayor
election ballot court judge verdict hospital nurse doctor clinic vaccine winter summer drought
orchard apple cider bakery bread cheese dairy cattle sheep wool weaver loom canal lock barge
lighthouse fisherman net trawler quay customs tariff export import shipment warehouse crane
pension tax reform minister parliament senate treaty border patrol embassy envoy summit
newspaper editor printer poster radio broadcast signal antenna satellite orbit comet
glacier valley meadow forest timber sawmill carpenter mason chapel bell tower clock
pottery kiln glass mirror candle wax honey beekeeper garden herb pepper salt spice
bicycle tram bus driver ferryman pilot airport runway hangar cargo fuel engine""".split()
FUNCTION_WORDS = "the of and a to in is was what how which are were with for on at by from about".split()
PHRASES = [
    "grain price",
    "river bridge",
    "council budget vote",
    "railway station",
    "steel factory strike",
    "winter storm",
    "apple cider festival",
    "village school teacher",
]
AUTHORS = [
    "anna maria lopez",
    "chris chuba",
    "li wei",
    "jean paul roux",
    "maria gomez",
    "tom baker",
    "anna berg",
    "old harbour watcher",
]


_ZIPF = list(accumulate(1 / (rank + 6) for rank in range(len(WORDS))))


def _zipf_word(rng: random.Random) -> str:
    """A vocabulary word, the first ones more often than the last (as in real text)."""
    return rng.choices(WORDS, cum_weights=_ZIPF)[0]


def _text(rng: random.Random, size: int) -> str:
    parts = []
    while len(parts) < size:
        roll = rng.random()
        if roll < 0.12:
            parts.extend(rng.choice(PHRASES).split())
        elif roll < 0.35:
            parts.append(rng.choice(FUNCTION_WORDS))
        else:
            parts.append(_zipf_word(rng))
    sentence = " ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."


def _date(rng: random.Random) -> str | None:
    roll = rng.random()
    year = rng.randint(2018, 2023)
    if roll < 0.2:
        return None
    if roll < 0.3:
        return str(year)
    if roll < 0.45:
        return f"{year}-{rng.randint(1, 12):02d}"
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _article(rng: random.Random, ident: str) -> dict:
    record = {
        "id": ident,
        "title": _text(rng, rng.randint(2, 8)),
        "body": " ".join(_text(rng, rng.randint(5, 12)) for _ in range(rng.randint(1, 4))),
        "url": f"https://news.example/{ident}",
    }
    when = _date(rng)
    if when:
        record["date"] = when
    if rng.random() < 0.5:
        record["author"] = rng.choice(AUTHORS).title()
    comments = []
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3, 5])):
        comment = {"author": rng.choice(AUTHORS).title(), "text": _text(rng, rng.randint(3, 20))}
        if rng.random() < 0.5:
            comment["date"] = _date(rng) or "2021-06-01"
        comments.append(comment)
    if comments:
        record["comments"] = comments
    return record


def _write(path, records) -> None:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")


def build_corpus_index(folder) -> str:
    """Index the generated corpus in four runs; return the index path.

    Runs: two files; two more; a fifth file and the first one edited (its
    old documents deleted); then one file deleted. Small segments are merged
    only once four pile up, so three stay, two of them with deletions.
    """
    rng = random.Random(SEED)
    source, index = folder / "corpus", folder / "index"
    source.mkdir()
    sizes = {"a1": 36, "a2": 36, "b1": 36, "b2": 28, "c1": 36}
    records = {name: [_article(rng, f"{name}-{n}") for n in range(size)] for name, size in sizes.items()}
    for run in (("a1", "a2"), ("b1", "b2")):
        for name in run:
            _write(source / f"{name}.jsonl", records[name])
        build_index([source], index, jobs=1)
    edited = [_article(rng, f"a1-{n}") if n % 3 == 0 else record for n, record in enumerate(records["a1"])]
    edited = edited[3:] + [_article(rng, f"a1-new-{n}") for n in range(5)]
    _write(source / "a1.jsonl", edited)
    _write(source / "c1.jsonl", records["c1"])
    build_index([source], index, jobs=1, checksum=True)
    (source / "b2.jsonl").unlink()
    build_index([source], index, jobs=1)
    return str(index)


@pytest.fixture(scope="module")
def index_path(tmp_path_factory) -> str:
    return build_corpus_index(tmp_path_factory.mktemp("reference-ranking"))


@pytest.fixture(scope="module")
def whoosh_ix(index_path):
    with open(f"{index_path}/searchkit.json", encoding="utf-8") as handle:
        live = json.load(handle)["indexname"]
    ix = whoosh_index.open_dir(index_path, indexname=live, readonly=True)
    yield ix
    ix.close()


@pytest.fixture(scope="module")
def reference(whoosh_ix):
    with whoosh_ix.searcher() as searcher:
        yield Reference(searcher)


def test_the_index_has_several_segments_and_deleted_documents(whoosh_ix):
    with whoosh_ix.reader() as reader:
        leaves = reader.leaf_readers()
        assert len(leaves) >= 3
        assert sum(leaf.has_deletions() for leaf, _ in leaves) >= 2
        assert reader.doc_count() < reader.doc_count_all()


# -- the reference itself -----------------------------------------------------


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """Three articles in two files; the first file then loses one article, so two documents are deleted."""
    folder = tmp_path_factory.mktemp("tiny-reference")
    first = [
        {"id": "a", "title": "Ferry news", "text": "The ferry left. The ferry came back at night."},
        {"id": "b", "title": "Night market", "text": "Stalls open at night near the harbour."},
    ]
    _write(folder / "one.jsonl", first)
    _write(
        folder / "two.jsonl", [{"id": "c", "title": "Budget", "text": "The council passed the budget for the ferry."}]
    )
    build_index([folder / "one.jsonl", folder / "two.jsonl"], folder / "ix", jobs=1)
    _write(folder / "one.jsonl", first[:1])
    build_index([folder / "one.jsonl", folder / "two.jsonl"], folder / "ix", jobs=1, checksum=True)
    live = json.loads((folder / "ix" / "searchkit.json").read_text(encoding="utf-8"))["indexname"]
    ix = whoosh_index.open_dir(str(folder / "ix"), indexname=live, readonly=True)
    with ix.searcher() as searcher:
        yield Reference(searcher)
    ix.close()


def test_the_reference_scores_bm25f_by_hand(tiny):
    # Indexed words (stop words out): titles a 2, b 2, c 1, a again 2; bodies a 6, b 5, c 4, a again 6.
    # Averages count the deleted a and b; N and df count the live a and c only.
    k1, b = 1.2, 0.75
    title, body = 7 / 4, 21 / 4
    idf = math.log(1 + (2 - 2 + 0.5) / (2 + 0.5))
    tf_a = 3.0 * 1 / (1 - b + b * 2 / title) + 1.0 * 2 / (1 - b + b * 6 / body)
    tf_c = 1.0 * 1 / (1 - b + b * 4 / body)
    ranking = tiny.rank("ferry")
    assert [tiny.stored[docnum]["id"] for docnum in ranking.docnums] == ["a", "c"]
    assert tiny.doc_count == 2 and tiny.reader.doc_count_all() == 4
    expected = [idf * tf * (k1 + 1) / (k1 + tf) for tf in (tf_a, tf_c)]
    assert [ranking.scores[docnum] for docnum in ranking.docnums] == pytest.approx(expected, rel=1e-12)


def _terms(reference: Reference, text: str) -> dict:
    parsed = parse_query(text, reference.searcher.schema)
    return {word: sorted(entry.fields) for word, entry in reference.scoring_terms(parsed).items()}


def test_the_reference_scores_the_positive_leaves_on_text_fields(reference):
    every = ["body", "comment", "title"]
    assert _terms(reference, "wheat NOT price") == {"wheat": every}
    assert _terms(reference, "wheat -price") == {"wheat": every, "price": every}  # no minus operator
    assert _terms(reference, "wheat ANDMAYBE barley") == {"wheat": every, "barley": every}
    assert _terms(reference, "author:anna wheat") == {"wheat": every}
    assert _terms(reference, 'title:"river bridge" grain') == {"river": ["title"], "bridg": ["title"], "grain": every}
    assert _terms(reference, "comment:ferry title:ferry") == {"ferri": ["comment", "title"]}
    expanded = _terms(reference, "title:ba*")
    in_titles = {word.decode("utf-8") for word in reference.reader.lexicon("title") if word.startswith(b"ba")}
    assert set(expanded) == in_titles and len(in_titles) > 2
    assert all(fields == ["title"] for fields in expanded.values())
    weights = reference.scoring_terms(parse_query("grain^2 price", reference.searcher.schema))
    assert weights["grain"].weight == 2 * weights["price"].weight


def test_the_reference_matches_not_as_a_set_difference(reference):
    # Whoosh's own ANDNOT matcher let a comment holding "museum" through "NOT museum mayor" on this index.
    every = ("title", "body", "comment")
    for kept, dropped in [("mayor", "museum"), ("farmer", "price"), ("grain", "price"), ("museum", "grain")]:
        for text in (f"{kept} NOT {dropped}", f"NOT {dropped} {kept}"):
            parsed = parse_query(text, reference.searcher.schema)
            wanted = reference.holders(term(kept), every) - reference.holders(term(dropped), every)
            assert reference.candidates(parsed) == wanted, text


def test_the_parser_boosts_only_what_the_user_boosts(reference):
    # The ranking spec weighs a term of a query with syntax by the user's ^N alone: field weights
    # belong to BM25F. A parser that still boosts title leaves 3.0 counts the title weight twice.
    parsed = parse_query('wheat "grain price" title:barley harb* wheet~1 price^2', reference.searcher.schema)
    leaves = list(parsed.any.leaves())
    assert len(leaves) == 16  # six parts, five of them on title, body and comment
    wrong = [leaf for leaf in leaves if leaf.boost != (2.0 if getattr(leaf, "text", None) == "price" else 1.0)]
    assert not wrong, f"{len(wrong)} leaves boosted by the parser, such as {wrong[:3]}"


def test_the_reference_tiers_by_word_or_phrase_whatever_the_fields(reference):
    def units(text):
        return len(reference.units(parse_query(text, reference.searcher.schema)))

    assert units("grain price") == 2
    assert units("grain price title:budget") == 3
    assert units('"grain price" barley') == 2
    assert units("title:grain OR grain") == 0  # one unit: not tiered
    assert units("grain NOT price") == 0
    assert units("a b c d e f g h i j k l") == 0  # a long question


# -- the queries ------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One generated query with its options."""

    kind: str
    text: str
    options: dict = field(default_factory=dict)

    def __str__(self) -> str:
        given = " ".join(f"{name}={value!r}" for name, value in self.options.items())
        return f"{self.text!r} {given}".strip()


QUERIES_PER_KIND = 44
FUZZY_QUERIES = 30
"""Fewer fuzzy queries: Whoosh takes some 0.2 s to expand each one."""
MISSPELLED = {"wheat": "wheet", "barley": "barly", "harbour": "harbor", "council": "counsil", "bridge": "brige"}


def _words(rng: random.Random, count: int) -> list[str]:
    return [_zipf_word(rng) for _ in range(count)]


def _year_or_month(rng: random.Random) -> str:
    year = rng.randint(2018, 2023)
    return str(year) if rng.random() < 0.5 else f"{year}-{rng.randint(1, 12):02d}"


def _options(rng: random.Random, always: bool = False) -> dict:
    """Scope, sort, author and date options, each now and then (several at once with ``always``)."""
    options = {}
    chance = 0.6 if always else 0.15
    if rng.random() < chance:
        options["scope"] = rng.choice(["all", "articles", "comments"])
    if rng.random() < chance:
        options["sort"] = "date"
    if rng.random() < chance / 2 and options.get("scope") != "articles":
        options["author"] = rng.choice(["anna", "maria gomez", "chris chuba", "li", "watcher"])
    if rng.random() < chance:
        options["since"] = _year_or_month(rng)
    if rng.random() < chance / 2:
        options["until"] = str(max(int(options.get("since", "2018")[:4]) + rng.randint(0, 3), 2019))
    if ("since" in options or "until" in options) and rng.random() < 0.4:
        options["undated"] = "include"
    return options


def _date_clause(rng: random.Random) -> str:
    return rng.choice(
        [
            f"date:{_year_or_month(rng)}",
            f"date:[{rng.randint(2018, 2020)} to {rng.randint(2020, 2023)}-{rng.randint(1, 12):02d}]",
            f"date:>{rng.randint(2018, 2022)}",
            f"date:<={rng.randint(2019, 2023)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        ]
    )


def _words_case(rng):
    words = _words(rng, rng.randint(1, 5))
    if rng.random() < 0.15:
        words.insert(rng.randrange(len(words) + 1), rng.choice(["zebra", "the", "quasar"]))
    return " ".join(words)


def _repeated_case(rng):
    words = _words(rng, rng.randint(1, 4))
    words += rng.choices(words, k=rng.randint(1, 3))
    rng.shuffle(words)
    return " ".join(words)


def _long_case(rng):
    opener = rng.choice(["what are the effects of", "how did the", "which", "why were the", ""])
    words = list(dict.fromkeys(_words(rng, rng.randint(6, 9))))
    while len(words) < 6:
        words.append(rng.choice(WORDS))
        words = list(dict.fromkeys(words))
    middle = [word if rng.random() < 0.75 else f"{word} {rng.choice(FUNCTION_WORDS)}" for word in words]
    return f"{opener} {' '.join(middle)}".strip() + rng.choice(["?", "", "."])


def _phrase_case(rng):
    phrase = rng.choice(PHRASES).split()
    if len(phrase) == 3 and rng.random() < 0.5:
        phrase = phrase[:2] if rng.random() < 0.5 else phrase[1:]
    if rng.random() < 0.2:
        phrase = _words(rng, 2)  # a random pair: often no document has it
    quoted = f'"{" ".join(phrase)}"'
    roll = rng.random()
    if roll < 0.4:
        return quoted
    if roll < 0.8:
        return f"{quoted} {' '.join(_words(rng, rng.randint(1, 2)))}"
    return f'{quoted} "{rng.choice(PHRASES)}"'


def _field_case(rng):
    name = rng.choice(["title", "body", "comment", "author"])
    value = rng.choice(AUTHORS).split()[0] if name == "author" else _zipf_word(rng)
    parts = [f"{name}:{value}"] + _words(rng, rng.randint(0, 3))
    if rng.random() < 0.3:
        parts.append(f"{rng.choice(['title', 'body', 'comment'])}:{_zipf_word(rng)}")
    if rng.random() < 0.15:
        parts.append(f'title:"{rng.choice(PHRASES)}"')
    rng.shuffle(parts)
    return " ".join(parts)


def _boolean_case(rng):
    a, b, c = _words(rng, 3)
    return rng.choice(
        [
            f"{a} AND {b}",
            f"{a} OR {b}",
            f"{a} NOT {b}",
            f"{a} {b} NOT {c}",
            f"({a} OR {b}) AND {c}",
            f"{a} AND ({b} OR {c})",
            f"({a} AND {b}) OR {c}",
            f"{a} ANDMAYBE {b}",
            f"{a} -{b}",
            f"{a} {b} AND NOT {c}",
            f'"{rng.choice(PHRASES)}" NOT {c}',
            f"NOT {a} {b}",
        ]
    )


def _wildcard_case(rng):
    word = _zipf_word(rng)
    pattern = rng.choice([word[:3] + "*", word[:4] + "*", word[0] + "?" + word[2:], word[:2] + "*" + word[-2:]])
    extra = " ".join(_words(rng, rng.randint(0, 2)))
    return f"{pattern} {extra}".strip() if rng.random() < 0.7 else f"{extra} title:{pattern}".strip()


def _fuzzy_case(rng):
    word, typo = rng.choice(sorted(MISSPELLED.items()))
    fuzzy = f"{rng.choice([typo, word])}~{rng.choice([1, 1, 1, 2])}"
    return f"{fuzzy} {' '.join(_words(rng, rng.randint(0, 2)))}".strip()


def _boost_case(rng):
    words = _words(rng, rng.randint(2, 4))
    at = rng.randrange(len(words))
    words[at] = f"{words[at]}^{rng.choice([2, 3, 0.5])}"
    return " ".join(words)


def _date_case(rng):
    clause = _date_clause(rng)
    if rng.random() < 0.25:
        return clause  # only a date: every document in the range
    return f"{' '.join(_words(rng, rng.randint(1, 3)))} {clause}"


GENERATORS = {
    "words": _words_case,
    "repeated words": _repeated_case,
    "long questions": _long_case,
    "phrases": _phrase_case,
    "fields": _field_case,
    "booleans": _boolean_case,
    "wildcards": _wildcard_case,
    "fuzzy": _fuzzy_case,
    "boosts": _boost_case,
    "date clauses": _date_case,
    "filters": _words_case,
    "date sort": _words_case,
}
"""Kinds of query; ``filters`` and ``date sort`` are plain words with several options."""


def generate_cases(seed: int = SEED) -> dict[str, list[Case]]:
    rng = random.Random(seed)
    cases = {}
    for kind, make in GENERATORS.items():
        cases[kind] = []
        for _ in range(FUZZY_QUERIES if kind == "fuzzy" else QUERIES_PER_KIND):
            options = _options(rng, always=kind == "filters")
            if kind == "date sort":
                options["sort"] = "date"
            cases[kind].append(Case(kind, make(rng), options))
    return cases


CASES = generate_cases()


# -- comparing --------------------------------------------------------------


def _close(one: float, other: float, tolerance: float) -> bool:
    return math.isclose(one, other, rel_tol=tolerance, abs_tol=tolerance)


def _runs(ranking: Ranking) -> list[list[int]]:
    """The reference's order cut where it is decided: a run holds documents that may come in any order."""
    runs: list[list[int]] = []
    previous = None
    for docnum in ranking.docnums:
        score, group = ranking.scores[docnum], ranking.group[docnum]
        if previous is not None and group == previous[0] and _close(score, previous[1], TIE_TOLERANCE):
            runs[-1].append(docnum)
        else:
            runs.append([docnum])
        previous = (group, score)
    return runs


def differences(
    reference: Reference, expected: Ranking, got: list[tuple[str, float]], limit: int | None, sort: str
) -> list[str]:
    """How a ranked list of (id, score) differs from the reference's (its first ``limit``), in words.

    Where scores are exactly equal under ``sort="relevance"``, the document
    number decides (ids map to document numbers through the reference).
    """
    name = {docnum: reference.stored[docnum]["id"] for docnum in expected.docnums}
    wanted = expected.docnums if limit is None else expected.docnums[:limit]
    problems = []
    if len(got) != len(wanted):
        problems.append(f"{len(got)} hits, the reference has {len(wanted)}")
    docnums, strangers, off = [], [], []
    for ident, score in got:
        docnum = reference.docnum_of.get(ident)
        if docnum not in expected.scores or docnum not in expected.group:
            strangers.append(ident)
        elif not _close(score, expected.scores[docnum], SCORE_TOLERANCE):
            off.append(f"{ident} scores {score:.6g}, the reference {expected.scores[docnum]:.6g}")
        docnums.append(docnum)
    if strangers:
        problems.append(f"{len(strangers)} hits the reference does not have ({', '.join(strangers[:3])} ...)")
    if off:
        problems.append(f"{len(off)} of {len(got)} scores differ ({off[0]})")
    start = 0
    for run in _runs(expected):
        if start >= len(docnums):
            break
        shown = docnums[start : start + len(run)]
        whole = start + len(run) <= len(wanted)
        if (set(shown) != set(run)) if whole else not set(shown) <= set(run):
            at = f"rank {start + 1}" if len(run) == 1 else f"ranks {start + 1}-{start + len(run)}"
            problems.append(
                f"{at}: got {[ident for ident, _ in got[start : start + min(len(run), 3)]]}, the reference "
                f"{[name[d] for d in run[:3]]} (score {expected.scores[run[0]]:.6g})"
            )
            break
        start += len(run)
    for (one, one_score), (other, other_score) in zip(got, got[1:], strict=False):
        a, b = reference.docnum_of.get(one), reference.docnum_of.get(other)
        same_group = a in expected.group and b in expected.group and expected.group[a] == expected.group[b]
        if sort == "relevance" and one_score == other_score and same_group and a > b:
            problems.append(f"{one} and {other} score the same but come out of document order")
            break
    return problems[:4]


def check(index, reference: Reference, case: Case) -> tuple[list[str], int]:
    """Every way ``iter_hits`` and ``search`` differ from the reference on one query, and its hit count.

    When feedback had to choose between words of equal weight (a long
    question), the expanded query is not determined: only which documents
    are hits, and how many, is compared.
    """
    sort = case.options.get("sort", "relevance")
    problems, hits = [], 0
    try:
        expected = reference.rank(case.text, sort=sort, **_filters(case))
        hits = len(expected.docnums)
        folded = reference.rank(case.text, sort=sort, folded=True, **_filters(case))
        got = [(row.id, row.score) for row in index.iter_hits(case.text, **case.options)]
        results = index.search(case.text, limit=TOP, **case.options)
        if results.total != folded.total:
            problems.append(f"search: total {results.total}, the reference {folded.total}")
        if expected.feedback_tie or folded.feedback_tie:
            ids = {reference.stored[docnum]["id"] for docnum in expected.docnums}
            if {ident for ident, _ in got} != ids:
                problems.append("iter_hits: not the reference's hits")
            return problems, hits
        problems += [f"iter_hits: {problem}" for problem in differences(reference, expected, got, None, sort)]
        shown = [(hit.id, hit.score) for hit in results.hits]
        problems += [f"search: {problem}" for problem in differences(reference, folded, shown, TOP, sort)]
    except Exception as exc:  # noqa: BLE001 - one failing query must not hide the others
        problems.append(f"raised {type(exc).__name__}: {exc}")
    return problems, hits


def _filters(case: Case) -> dict:
    return {name: value for name, value in case.options.items() if name != "sort"}


@pytest.fixture(scope="module")
def index(index_path):
    with open_index(index_path) as opened:
        yield opened


def test_hundreds_of_queries_of_every_kind_and_option():
    assert sum(map(len, CASES.values())) >= 500
    assert all(len(cases) >= 30 for cases in CASES.values())
    options = [case.options for cases in CASES.values() for case in cases]
    for name in ("scope", "sort", "author", "since", "until", "undated"):
        assert sum(name in given for given in options) >= 20, name


@pytest.mark.parametrize("kind", list(GENERATORS))
def test_ranking_matches_the_reference(index, reference, kind):
    failures, with_hits = [], 0
    for case in CASES[kind]:
        problems, hits = check(index, reference, case)
        with_hits += hits > 0
        if problems:
            failures.append(f"  {case}: " + "; ".join(problems))
    assert with_hits >= len(CASES[kind]) // 2, f"only {with_hits} {kind} queries have hits: the comparison says little"
    assert not failures, (
        f"{len(failures)} of {len(CASES[kind])} {kind} queries rank differently from the reference:\n"
        + "\n".join(failures[:12])
    )


def test_the_comparison_sees_a_wrong_order_a_wrong_score_and_a_missing_hit(reference):
    expected = reference.rank("grain price harbour")
    right = [(reference.stored[docnum]["id"], expected.scores[docnum]) for docnum in expected.docnums]
    assert len(right) > 20 and differences(reference, expected, right, None, "relevance") == []
    assert differences(reference, expected, right[:TOP], TOP, "relevance") == []
    first, second = right[0], right[1]
    assert expected.scores[expected.docnums[0]] > expected.scores[expected.docnums[1]] * (1 + TIE_TOLERANCE)
    swapped = [second, first, *right[2:]]
    assert any("rank 1" in problem for problem in differences(reference, expected, swapped, None, "relevance"))
    off = [(first[0], first[1] * 1.0001), *right[1:]]
    assert any("scores differ" in problem for problem in differences(reference, expected, off, None, "relevance"))
    assert any("hits, the reference has" in p for p in differences(reference, expected, right[1:], None, "relevance"))
    ties = [at for at in range(len(right) - 1) if right[at][1] == right[at + 1][1]]
    assert ties  # short comments with one word: equal scores, which document order decides
    at = ties[0]
    reordered = right[:at] + [right[at + 1], right[at]] + right[at + 2 :]
    assert any("document order" in p for p in differences(reference, expected, reordered, None, "relevance"))
