"""Fast tests for the benchmark corpus generator (bench/generate.py) and query mix
(bench/queries.py).  bench/ is not a package: its directory is put on sys.path."""

import multiprocessing
import re
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import queries  # noqa: E402

N = 30
WIDGET = ["Notify of", "Newest Most Voted", "Inline Feedbacks", "View all comments"]
CLOSER = "Would love your thoughts, please comment.x"
AMOUNT = re.compile(r"^\d{1,3}(,\d{3})* \$$")
MONTH_LINE = re.compile(r"^[A-Z]+ \d{4}$")


def read_corpus(root):
    files = sorted(Path(root).rglob("*.txt"))
    return {f.relative_to(root).as_posix(): f.read_bytes() for f in files}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    stats = generate.generate(root, N, seed=42, workers=1)
    return root, stats, read_corpus(root)


def is_author_line(line):
    core = line[:-2] if line.endswith(" .") else line
    return len(line) <= 30 and len(line.split()) <= 4 and core[-1:].isalnum() and line == line.strip()


def parse(text):
    """Split a page into (title, body lines, comments); check the layout on the way.

    comments: list of (author or None, [paragraphs])."""
    lines = text.split("\n")
    i = 0
    while AMOUNT.match(lines[i]):
        i += 1
    if i:
        assert 2 <= i <= 5, lines[:i]
        assert MONTH_LINE.match(lines[i]) and lines[i + 1] == "", lines[i : i + 2]
        i += 2
    title = lines[i]
    assert title.strip() and lines[i + 1] == "", lines[i : i + 2]
    if "Notify of" not in lines:
        assert text.endswith("\n") and not text.endswith("\n\n")
        return title, lines[i + 2 :], []
    w = lines.index("Notify of")
    assert lines[w : w + 4] == WIDGET
    assert lines[w - 2 : w] == ["", ""] and lines[w - 3] != ""  # exactly two blank lines
    assert lines[w + 4] == ""
    assert lines[-1] == CLOSER and lines[-2] == "" and lines[-3] != ""
    body = lines[i + 2 : w - 2]
    region = lines[w + 4 : -2]  # starts with the blank line after the widget
    comments = []
    k = 0
    while k < len(region):
        blanks = 0
        while region[k] == "":
            blanks += 1
            k += 1
        line = region[k]
        if line[-1] in ".!?" and not line.endswith(" ."):
            if blanks == 2:  # anonymous comment
                comments.append((None, [line]))
            else:
                assert blanks == 1 and comments, (blanks, line)
                comments[-1][1].append(line)  # next paragraph of the same comment
            k += 1
        else:
            assert blanks == 1, ("author line needs exactly one blank line before", line)
            assert is_author_line(line), line
            assert region[k + 1] == "" and region[k + 2] != "", line
            nxt = region[k + 2]
            assert nxt[-1] in ".!?" and not nxt.endswith(" ."), nxt
            comments.append((line, []))
            k += 1
    assert all(paras for _, paras in comments)
    return title, body, comments


def test_deterministic_same_seed(corpus, tmp_path):
    root, stats, files = corpus
    assert len(files) == N
    stats2 = generate.generate(tmp_path, N, seed=42, workers=1)
    assert read_corpus(tmp_path) == files
    for key in ("articles", "comments", "words", "bytes", "distinct_words"):
        assert stats2[key] == stats[key]


def test_different_seed_differs(corpus, tmp_path):
    _, _, files = corpus
    generate.generate(tmp_path, N, seed=43, workers=1)
    other = read_corpus(tmp_path)
    assert other.keys() == files.keys()
    assert sum(other[k] != files[k] for k in files) == N


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork")
def test_two_workers_same_bytes(corpus, tmp_path):
    _, _, files = corpus
    old = generate.CHUNK
    generate.CHUNK = 7  # several chunks across two processes
    try:
        generate.generate(tmp_path, N, seed=42, workers=2)
    finally:
        generate.CHUNK = old
    assert read_corpus(tmp_path) == files


def test_layout_and_stats(corpus):
    root, stats, files = corpus
    assert sorted(files) == [f"0000/a{i:06d}.txt" for i in range(N)]
    assert stats["articles"] == N
    total_comments = total_words = total_bytes = 0
    with_comments = 0
    for name, data in files.items():
        text = data.decode("utf-8")
        title, body, comments = parse(text)
        paras = [line for line in body if line]
        words = sum(len(p.split()) for p in paras)
        assert 250 <= words <= 1600, (name, words)
        assert title in text.split("\n")
        with_comments += bool(comments)
        total_comments += len(comments)
        total_words += len(text.split())
        total_bytes += len(data)
        for author, cparas in comments:
            for p in cparas:
                # never mistakable for an author line: always ends with . ! or ?
                assert p[-1] in ".!?" and not p.endswith(" ."), (name, p)
                assert p == p.strip()
            if author is not None:
                assert author in generate.tables().handles
    assert with_comments > 0
    assert stats["comments"] == total_comments
    assert stats["words"] == total_words
    assert stats["bytes"] == total_bytes
    assert 0 < stats["distinct_words"] < total_words
    assert (root / ".corpus.json").exists()


def test_distributions(tmp_path):
    """Rough check of the statistics on a few hundred articles."""
    T = generate.tables()
    n = 300
    counts, anon, authored, lens = [], 0, 0, []
    for i in range(n):
        text, nc = generate.make_article(i, 7, T)
        _, body, comments = parse(text)
        assert len(comments) == nc
        counts.append(nc)
        anon += sum(a is None for a, _ in comments)
        authored += sum(a is not None for a, _ in comments)
        lens.append(sum(len(p.split()) for p in body if p))
    assert 8 <= sum(counts) / n <= 25
    assert 0.05 <= counts.count(0) / n <= 0.30
    assert 0.12 <= anon / (anon + authored) <= 0.28
    assert 450 <= sum(lens) / n <= 850
    assert min(lens) >= 250 and max(lens) <= 1600


def test_tables():
    T = generate.tables()
    assert T.words[0] == "the" and "said" in T.words[:20]
    pseudo = [T.word(k) for k in range(T.c1, T.n_ranks, 9973)]
    assert len(set(pseudo)) == len(pseudo)
    assert all(2 <= len(w) <= 12 and w.isalpha() and w.islower() for w in pseudo)
    assert T.n_ranks > 1_000_000
    names = {p[0] for p in T.people}
    for must in (
        "Vladimir Putin",
        "Donald Trump",
        "Recep Tayyip Erdoğan",
        "Olaf Scholz",
        "José Núñez",
        "Łukasz Wróbel",
        "Zoë Adebayo",
        "Søren Holm",
        "Çağla Yıldız",
    ):
        assert must in names
    assert len(T.people) == 400 and len(T.places) == 200 and len(T.orgs) == 150
    assert len(T.handles) == len(set(T.handles)) == 50_000
    assert all(generate.handle_ok(h) for h in T.handles)


def test_refuses_repo_output():
    with pytest.raises(ValueError):
        generate.generate(generate.REPO_ROOT / "corpus-tmp", 1)
    assert not (generate.REPO_ROOT / "corpus-tmp").exists()


def test_queries():
    q1 = queries.make_queries(42)
    assert len(q1) >= 200
    assert q1 == queries.make_queries(42)
    assert q1 == queries.make_queries({"seed": 42, "articles": 20_000})
    assert q1 != queries.make_queries(43)
    kinds = {}
    for item in q1:
        assert set(item) == {"kind", "q"} and item["q"]
        kinds.setdefault(item["kind"], []).append(item["q"])
    assert set(kinds) == set(queries.KINDS)
    assert max(map(len, kinds.values())) - min(map(len, kinds.values())) <= 1
    assert "Putin Trump" in kinds["names"]
    assert all(q.startswith('"') and q.endswith('"') and 2 <= len(q.split()) <= 3 for q in kinds["phrase"])
    assert all(q.startswith("title:") for q in kinds["field"])
    for q in kinds["author"]:
        handle = q[len("author:") :]
        if " " in handle.strip('"'):
            assert handle.startswith('"') and handle.endswith('"')
        assert handle.strip('"') in generate.tables().handles
    assert all(8 <= len(q.split()) <= 15 and q.endswith("?") for q in kinds["question"])
    rare_words = {w for w, _ in generate.tables().rare}
    assert set(kinds["rare"]) <= rare_words
    assert all(q not in generate.STOP_WORDS for q in kinds["common"])
    small = queries.make_queries({"seed": 42, "articles": N}, n=70)
    planted = {w for w, _ in generate.tables().rare[:N]}
    assert len(small) == 70
    assert {i["q"] for i in small if i["kind"] == "rare"} <= planted


def test_rare_query_words_are_planted(corpus):
    _, _, files = corpus
    for j, (word, _) in enumerate(generate.tables().rare[:N]):
        text = files[f"0000/a{j:06d}.txt"].decode("utf-8")
        assert word in re.findall(r"\w+", text.lower())
