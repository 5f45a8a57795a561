#!/usr/bin/env python3
"""Fixed benchmark query mix for corpora made by bench/generate.py.

Usage::

    python bench/queries.py --seed 42 [--n 210] [--stats OUT_DIR/.corpus.json] > queries.json

or ``make_queries(seed_or_stats, n=210) -> [{"kind": ..., "q": ...}, ...]``.

Seven kinds, in equal shares (grouped by kind, in this order):

* ``common``   one frequent word (top 600 ranks or a topic keyword; never a stop word)
* ``rare``     one word of rank 20k-200k; generate.py plants each of these candidates once in
               one of the first 1,000 articles, so it occurs in any corpus of >= 1,000
               articles (given a stats dict, only candidates planted in that corpus are used)
* ``names``    two person surnames, ``Putin Trump`` first
* ``phrase``   a quoted 2-3 word phrase that occurs: a leading person's full name, a
               multi-word place or organisation, or a collocation (``"prime minister"``)
* ``field``    ``title:word`` with a word that is common in titles
* ``author``   ``author:handle`` for a frequent commenter (quoted when it has a space)
* ``question`` an 8-15 word natural-language question built from the vocabulary

The list depends only on the seed (and, for ``rare``, on the article count of a stats dict).
It uses the tables of generate.py, so the two never drift apart.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:
    sys.path.insert(0, str(_HERE))
import generate as G  # noqa: E402  (bench/ is not a package)

if Path(G.__file__).resolve().parent != _HERE:  # another module called "generate"
    raise ImportError(f"bench/queries.py imported the wrong generate module: {G.__file__}")

KINDS = ("common", "rare", "names", "phrase", "field", "author", "question")

_QUESTIONS = [
    "What did {P} say about the {w} {w} in {L}?",
    "Why did the government of {L} {w} the {w} {w} last year?",
    "How many {w} were {w} after the {w} {w} near {L}?",
    "When will {p} and {p2} meet to discuss the {w} {w}?",
    "Who is responsible for the {w} {w} {w} in {L} this week?",
    "Is it true that {O} will {w} the {w} {w} of {L}?",
    "What are the main {w} of the {w} {w} for {L}?",
    "Does {P} support the {w} {w} proposed by {O}?",
    "How does the {w} {w} affect {w} and {w} in {L}?",
    "Why are people in {L} so {w} about {p} and the {w}?",
    "What happened to the {w} {w} after {p} visited {L}?",
    "Could the {w} between {L} and {L2} lead to a new {w}?",
]


def _content(word: str) -> bool:
    return " " not in word and "’" not in word and len(word) >= 3 and word not in G.STOP_WORDS


def _pools(T):
    """Candidate lists (deterministic, independent of the seed)."""
    common = [w for w in T.words[:600] if _content(w)]
    for _, _, kw in G.TOPICS:
        common += [w for w in kw.split() if _content(w) and w not in common]
    people = T.people[:40]
    surnames = [p[1] for p in people if " " not in p[1]]
    phrases = [p[0] for p in people if 2 <= len(p[0].split()) <= 3]
    phrases += [name for name, _ in T.places[:100] if 2 <= len(name.split()) <= 3]
    for name, _ in T.orgs[:60]:
        name = name[4:] if name.startswith("the ") else name
        if 2 <= len(name.split()) <= 3:
            phrases.append(name)
    phrases += G.COLLOCATIONS
    title_words = (
        [p[1] for p in T.people[:12] if " " not in p[1]]
        + [n for n, _ in T.places[:12] if " " not in n]
        + [w for w in T.words[:250] if _content(w)]
    )
    authors = [h for h in T.handles[:150] if not h.endswith(" .")]
    fill = [w for w in T.words[150:20000] if _content(w)]
    return common, surnames, phrases, title_words, authors, fill


def _author_query(handle: str) -> str:
    return f'author:"{handle}"' if " " in handle else f"author:{handle}"


def make_queries(corpus_stats_or_seed=42, n: int = 210) -> list[dict]:
    """Return n queries ({"kind", "q"}), about n/7 of each kind, deterministically.

    corpus_stats_or_seed: an int seed, or the stats dict returned by generate() (or read from
    OUT_DIR/.corpus.json): its "seed" is used, and its "articles" limits the rare words to
    those planted in that corpus.
    """
    if isinstance(corpus_stats_or_seed, dict):
        seed = int(corpus_stats_or_seed.get("seed", 42))
        articles = corpus_stats_or_seed.get("articles")
    else:
        seed, articles = int(corpus_stats_or_seed), None
    if n < len(KINDS):
        raise ValueError(f"n must be >= {len(KINDS)}")
    T = G.tables()
    rng = random.Random(f"searchkit-bench-queries:{seed}")
    common, surnames, phrases, title_words, authors, fill = _pools(T)
    rare = [w for j, (w, _) in enumerate(T.rare) if articles is None or j < articles]
    counts = {kind: n // 7 + (k < n % 7) for k, kind in enumerate(KINDS)}

    def sample(pool, k):
        return rng.sample(pool, min(k, len(pool)))

    out = {kind: [] for kind in KINDS}
    out["common"] = sample(common, counts["common"])
    out["rare"] = sample(rare, counts["rare"]) if rare else []

    pairs = ["Putin Trump"]
    while len(pairs) < counts["names"]:
        a, b = rng.sample(surnames[:30], 2)
        if f"{a} {b}" not in pairs and f"{b} {a}" not in pairs:
            pairs.append(f"{a} {b}")
    out["names"] = pairs[: counts["names"]]

    out["phrase"] = [f'"{p}"' for p in sample(phrases, counts["phrase"])]
    out["field"] = [f"title:{w}" for w in sample(title_words, counts["field"])]
    out["author"] = [_author_query(h) for h in sample(authors, counts["author"])]

    places = [name for name, _ in T.places[:60]]
    orgs = [name for name, _ in T.orgs[:40]]
    qs = []
    while len(qs) < counts["question"]:
        tpl = _QUESTIONS[int(rng.random() * len(_QUESTIONS))]
        p1, p2 = rng.sample(T.people[:40], 2)
        l1, l2 = rng.sample(places, 2)
        text = tpl.format(P=p1[0], p=p1[1], p2=p2[1], L=l1, L2=l2, O=orgs[int(rng.random() * 40)], w="{w}")
        while "{w}" in text:
            text = text.replace("{w}", fill[int(rng.random() ** 1.5 * len(fill))], 1)
        if 8 <= len(text.split()) <= 15 and text not in qs:
            qs.append(text)
    out["question"] = qs

    # rare can fall short only for tiny corpora: top up with common words to keep n items
    short = n - sum(len(v) for v in out.values())
    if short:
        extra = [w for w in common if w not in out["common"]]
        out["common"] += extra[:short]
    return [{"kind": kind, "q": q} for kind in KINDS for q in out[kind]]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Print the benchmark query mix as JSON.")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--n", type=int, default=210, help="number of queries (>= 7)")
    ap.add_argument(
        "--stats", help=".corpus.json written by generate.py (sets seed and limits rare words to that corpus)"
    )
    a = ap.parse_args(argv)
    arg = a.seed
    if a.stats:
        with open(a.stats, encoding="utf-8") as fh:
            arg = json.load(fh)
    json.dump(make_queries(arg, a.n), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
