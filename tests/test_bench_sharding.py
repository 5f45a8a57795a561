"""The sharding benchmark's global statistics (bench/sharding.py) on 600 SciFact abstracts.

With the collection's statistics gathered from its shards, a shard must score every document
exactly as the single index does: checked with one shard (the single index's own data) and with
three, where the merged top 10 of every query RM3 does not expand must be the single index's,
ids and scores. bench/ is not a package: its directory is put on sys.path.
"""

import math
import sys
from pathlib import Path

import pytest

from searchkit import build_index
from searchkit.evaluation import load_collection

from .conftest import SCIFACT, needs_shared

BENCH = Path(__file__).resolve().parent.parent / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import sharding  # noqa: E402

pytestmark = needs_shared(SCIFACT)
DOCUMENTS = 600
QUERIES = 40


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The first 600 SciFact documents: one index, the same as one shard, and as three shards."""
    root = tmp_path_factory.mktemp("sharding")
    corpus = root / "corpus.jsonl"
    with open(SCIFACT / "corpus.jsonl", encoding="utf-8") as handle:
        corpus.write_text("".join(line for _, line in zip(range(DOCUMENTS), handle, strict=False)), encoding="utf-8")
    build_index([str(corpus)], root / "single")
    for count in (1, 3):
        for number, path in enumerate(sharding.write_shards(corpus, root / f"s{count}", count)):
            build_index([str(path)], root / f"s{count}" / f"index{number}")
    collection = load_collection(SCIFACT)
    queries = list(collection.queries.values())[:QUERIES]
    single = sharding.Shard(root / "single")
    shards = {count: [sharding.Shard(root / f"s{count}" / f"index{n}") for n in range(count)] for count in (1, 3)}
    yield single, shards, queries
    single.close()
    for group in shards.values():
        for shard in group:
            shard.close()


def scores_of(hits):
    return [(hit.id, hit.score) for hit in hits]


def test_shards_split_by_a_hash_of_the_id(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(f'{{"_id": "d{n}", "title": "", "text": "word {n}"}}\n' for n in range(50)))
    paths = sharding.write_shards(corpus, tmp_path / "s4", 4)
    held = [[line for line in path.read_text().splitlines() if line] for path in paths]
    assert sum(len(lines) for lines in held) == 50
    for number, lines in enumerate(held):
        assert all(sharding.shard_of(sharding.json.loads(line)["_id"], 4) == number for line in lines)
    assert all(held), "50 ids leave no shard of 4 empty"


def test_the_replica_of_ranking_gives_index_ranking(built):
    single, _, queries = built
    for text in queries:
        expected = single.local.ranking(text, limit=10)
        assert scores_of(single.rank(text, single.local_state)) == expected


def test_one_shard_with_global_statistics_is_the_single_index(built):
    single, shards, queries = built
    for text in queries:
        run = sharding.run_query(single, shards[1], text)
        assert scores_of(run.modes["global+feedback"]) == scores_of(run.single)
        assert scores_of(run.modes["global"]) == scores_of(run.single)
        assert scores_of(run.modes["local"]) == scores_of(run.single)


def test_three_shards_with_global_statistics_score_as_the_single_index(built):
    single, shards, queries = built
    short = same_expansion = differing_locally = 0
    for text in queries:
        run = sharding.run_query(single, shards[3], text)
        differing_locally += sharding.ids(run.modes["local"]) != sharding.ids(run.single)
        if not run.expanded:
            short += 1
            for mode in ("global", "global+feedback"):
                got = run.modes[mode]
                assert sharding.ids(got) == sharding.ids(run.single), text
                assert all(math.isclose(a.score, b.score, rel_tol=1e-9) for a, b in zip(got, run.single, strict=True))
        else:
            # the same words with the same weights, or other words of the same weights (a tie at RM3's cut)
            assert run.global_added == run.single_added or sharding.expansion_tie(run), text
            if run.global_added == run.single_added:
                same_expansion += 1
                assert sharding.ids(run.modes["global+feedback"]) == sharding.ids(run.single), text
    assert short and same_expansion, "the first 40 SciFact queries hold both kinds"
    assert differing_locally, "with their own statistics the shards rank some query otherwise"
