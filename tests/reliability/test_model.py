"""Model-based test: random file operations, then ``build_index``, then what is on disk against
what the index returns.

A small world of folders holds scraped pages and JSON Lines files: two roots (``r1``, ``r2``),
a folder inside a root (``r1/nested``, sometimes given as a root of its own), a root that is a
symlink (``current``, pointed at ``c1`` or ``c2``) and a folder no root reaches (``outside``).
Random operations change it: add, edit, edit keeping size and modification time (the next run
uses checksum mode), delete, rename (also across roots), symlinks added, removed and pointed
elsewhere (to files outside the roots, to files of another root, left dangling; links to
folders too), a file
replaced by a folder of the same name, the symlinked root switched, JSON Lines files whose
record ids repeat across files or look like page paths and comment ids. File names include
``#c`` (``note#c1``, ``#climate.txt``) and repeat across folders.

After each few operations the roots are indexed, spelled in varying ways (relative or
absolute, nested roots, one root twice, in another order; now and then ``--rebuild``), and the
index must hold exactly one article for each article of each file reachable from the roots
(a file reached by several paths counts once): same titles, bodies and comment counts; no id
twice; ``Index.article`` reaches each article by its id and by each of its comment ids.

The default run is small and seeded (a few seconds); ``-m slow`` runs many more seeds.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from searchkit import build_index, open_index
from searchkit.documents import parse_comment_id
from searchkit.sources import SourceFile, read_source

from .conftest import WIDGET, record

NAMES = ["page-001.txt", "page-002.txt", "a.txt", "note", "note#c1", "#climate.txt", "b.jsonl", "x.jsonl"]
RECORD_IDS = ["r1", "r2", "r3", "a.txt", "note#c1", "page-001.txt"]
FOLDERS = ["r1", "r1/nested", "r2", "c1", "c2", "outside"]
SUPPORTED = (".txt", ".jsonl", "")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


class World:
    """The folders on disk, the operations on them, and what indexing them must give."""

    def __init__(self, root: Path, rng: random.Random):
        self.root, self.rng = root, rng
        self.serial = 0
        self.log: list[str] = []
        for folder in FOLDERS:
            (root / folder).mkdir(parents=True, exist_ok=True)
        (root / "current").symlink_to("c1")
        self.sneaky = False  # an edit kept size and mtime: the next run must compare content

    # ------------------------------------------------------------------ content
    def _token(self) -> str:
        return "q" + "".join(self.rng.choice(_LETTERS) for _ in range(6))

    def _words(self, low: int, high: int) -> str:
        return " ".join(
            self.rng.choice(["harvest", "ferry", "council", "river", "budget", "storm", "wheat"])
            for _ in range(self.rng.randint(low, high))
        )

    def page(self) -> str:
        self.serial += 1
        text = f"Story {self.serial} {self._token()}\n\n{self._words(5, 30).capitalize()}.\n"
        comments = self.rng.choice([0, 0, 1, 2, 3])
        if comments:
            text += "\n\n" + "\n".join(WIDGET) + "\n\n"
            for n in range(comments):
                text += f"Reader {n}\n\n{self._words(3, 12).capitalize()}.\n\n\n"
        return text

    def records(self) -> str:
        lines = []
        for _ in range(self.rng.randint(1, 3)):
            self.serial += 1
            comments = [{"text": self._words(2, 6)} for _ in range(self.rng.choice([0, 1, 2]))]
            lines.append(
                json.dumps(
                    {
                        "id": self.rng.choice(RECORD_IDS),
                        "title": f"Record {self.serial} {self._token()}",
                        "text": self._words(4, 20),
                        "comments": comments,
                    }
                )
            )
        return "\n".join(lines) + "\n"

    def content_for(self, path: Path) -> str:
        return self.records() if path.suffix == ".jsonl" else self.page()

    # ------------------------------------------------------------------ what is on disk
    def folders(self) -> list[Path]:
        found = []
        for folder, dirnames, _ in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not os.path.islink(Path(folder, d)))
            found.append(Path(folder))
        return found

    def regular_files(self) -> list[Path]:
        return sorted(
            Path(folder, name)
            for folder, dirnames, filenames in os.walk(self.root)
            for name in filenames
            if not os.path.islink(Path(folder, name))
        )

    def links(self) -> list[Path]:
        return sorted(
            Path(folder, name)
            for folder, dirnames, filenames in os.walk(self.root)
            for name in filenames + dirnames
            if os.path.islink(Path(folder, name)) and name != "current"
        )

    def free_path(self) -> Path:
        for _ in range(20):
            path = self.rng.choice(self.folders()) / self.rng.choice(NAMES)
            if not os.path.lexists(path):
                return path
        return self.root / "outside" / f"spare-{self.serial}.txt"

    # ------------------------------------------------------------------ operations
    def step(self) -> None:
        files, links = self.regular_files(), self.links()
        choices = ["add", "add", "add", "link", "dirlink", "switch"]
        if files:
            choices += ["edit", "edit", "sneaky", "delete", "rename", "folder"]
        if links:
            choices += ["unlink", "relink"]
        operation = self.rng.choice(choices)
        getattr(self, f"op_{operation}")(files, links)

    def op_add(self, files, links) -> None:
        path = self.free_path()
        path.write_text(self.content_for(path), encoding="utf-8")
        self.log.append(f"add {self.rel(path)}")

    def op_edit(self, files, links) -> None:
        path = self.rng.choice(files)
        old = path.read_bytes()
        new = self.content_for(path)
        if len(new.encode()) == len(old):
            new += "\n"
        path.write_text(new, encoding="utf-8")
        self.log.append(f"edit {self.rel(path)}")

    def op_sneaky(self, files, links) -> None:
        path = self.rng.choice(files)
        info = path.stat()
        text = path.read_text(encoding="utf-8")
        changed = re.sub(r"q[a-z]{6}", lambda _: self._token(), text, count=1)
        path.write_text(changed, encoding="utf-8")
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
        assert path.stat().st_size == info.st_size
        self.sneaky = True
        self.log.append(f"edit keeping size and mtime {self.rel(path)}")

    def op_delete(self, files, links) -> None:
        path = self.rng.choice(files)
        path.unlink()
        self.log.append(f"delete {self.rel(path)}")

    def op_rename(self, files, links) -> None:
        path, target = self.rng.choice(files), self.free_path()
        if (
            path.suffix == ".jsonl"
            and target.suffix != ".jsonl"
            or path.suffix != ".jsonl"
            and target.suffix == ".jsonl"
        ):
            target = target.with_name(target.name + (".jsonl" if path.suffix == ".jsonl" else ".txt"))
            if os.path.lexists(target):
                return
        os.rename(path, target)
        self.log.append(f"rename {self.rel(path)} -> {self.rel(target)}")

    def op_folder(self, files, links) -> None:
        path = self.rng.choice(files)
        path.unlink()
        path.mkdir()
        inner = path / self.rng.choice([name for name in NAMES if not name.endswith(".jsonl")])
        inner.write_text(self.page(), encoding="utf-8")
        self.log.append(f"replace {self.rel(path)} by a folder holding {inner.name}")

    def op_link(self, files, links) -> None:
        path = self.free_path()
        if files and self.rng.random() < 0.8:
            target = self.rng.choice(files)
            if (target.suffix == ".jsonl") != (path.suffix == ".jsonl"):
                return
        else:
            target = self.root / "outside" / f"missing-{self.serial}.txt"  # dangling from the start
        path.symlink_to(target)
        self.log.append(f"link {self.rel(path)} -> {self.rel(target)}")

    def op_dirlink(self, files, links) -> None:
        folder = self.rng.choice([f for f in self.folders() if f != self.root])
        target = self.rng.choice([f for f in self.folders() if f != self.root])
        path = folder / self.rng.choice(["alias", "more", "linked"])
        if os.path.lexists(path) or target == folder or target in folder.parents:
            return  # a link to its own folder or above it would be a loop
        path.symlink_to(target, target_is_directory=True)
        self.log.append(f"link folder {self.rel(path)} -> {self.rel(target)}")

    def op_unlink(self, files, links) -> None:
        path = self.rng.choice(links)
        path.unlink()
        self.log.append(f"remove link {self.rel(path)}")

    def op_relink(self, files, links) -> None:
        path = self.rng.choice(links)
        candidates = [f for f in files if (f.suffix == ".jsonl") == (path.suffix == ".jsonl")]
        if not candidates:
            return
        target = self.rng.choice(candidates)
        path.unlink()
        path.symlink_to(target)
        self.log.append(f"point link {self.rel(path)} -> {self.rel(target)}")

    def op_switch(self, files, links) -> None:
        current = self.root / "current"
        target = "c2" if os.readlink(current) == "c1" else "c1"
        current.unlink()
        current.symlink_to(target)  # ln -sfn
        self.log.append(f"switch current -> {target}")

    def rel(self, path: Path) -> str:
        return os.path.relpath(path, self.root)

    # ------------------------------------------------------------------ indexing and the expectation
    def roots(self) -> list[str]:
        """The roots of one run, spelled in varying ways (relative to the world, absolute, nested, twice)."""
        spelled = [self.rng.choice([name, str(self.root / name)]) for name in ("r1", "r2", "current")]
        if self.rng.random() < 0.3:
            spelled.append(self.rng.choice(["r1/nested", str(self.root / "r1" / "nested"), "r1"]))
        self.rng.shuffle(spelled)
        return spelled

    def expected(self) -> Counter:
        """(title, body, comment count) of every article of every file the roots reach, each file once."""
        reals: dict[str, Path] = {}
        folders_seen: set[str] = set()
        for name in ("r1", "r2", "current"):
            for folder, dirnames, filenames in os.walk(self.root / name, followlinks=True):
                if os.path.realpath(folder) in folders_seen:
                    dirnames[:] = []
                    continue
                folders_seen.add(os.path.realpath(folder))
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                for filename in filenames:
                    path = Path(folder, filename)
                    if path.suffix in SUPPORTED and path.is_file():
                        reals.setdefault(os.path.realpath(path), path)
        wanted: Counter = Counter()
        for path in reals.values():
            for article in read_source(SourceFile(path, path.name)).articles:
                wanted[(article.title, article.body, len(article.comments))] += 1
        return wanted


def indexed(index: Path) -> tuple[Counter, list[str]]:
    """(title, body, comment count) of every article in the index, and what is wrong with its ids."""
    got: Counter = Counter()
    wrong: list[str] = []
    with open_index(index) as opened:
        stored = list(opened.searcher().documents())
        ids = Counter(document["id"] for document in stored)
        wrong += [f"id {key!r} held by {count} documents" for key, count in ids.items() if count > 1]
        for document in stored:
            if document["kind"] != "article":
                continue
            article_id = document["id"]
            if parse_comment_id(article_id) is not None:
                wrong.append(f"article id {article_id!r} reads as a comment id")
            article = opened.article(article_id)
            got[(article.title, article.body, len(article.comments))] += 1
            if len(article.comments) != document.get("comment_count"):
                wrong.append(f"{article_id!r}: {len(article.comments)} comments, comment_count says so many")
            for position, comment in enumerate(article.comments, 1):
                if parse_comment_id(comment.id) != (article_id, position):
                    wrong.append(f"{article_id!r}: comment {position} has id {comment.id!r}")
                elif opened.article(comment.id).id != article_id:
                    wrong.append(f"show {comment.id!r} does not give {article_id!r}")
    return got, wrong


def run_model(tmp_path: Path, seed: int, steps: int, monkeypatch) -> int:
    """Run one seeded sequence; returns the number of index runs."""
    rng = random.Random(seed)
    world = World(tmp_path / f"world-{seed}", rng)
    index = tmp_path / f"index-{seed}"
    monkeypatch.chdir(world.root)
    runs = 0
    for step in range(steps):
        for _ in range(rng.randint(1, 3)):
            world.step()
        roots = world.roots()
        checksum, rebuild = world.sneaky, rng.random() < 0.1
        report = build_index(roots, index, jobs=1, checksum=checksum, rebuild=rebuild)
        world.sneaky = False
        runs += 1
        got, wrong = indexed(index)
        wanted = world.expected()
        if got != wanted or wrong:
            missing, extra = wanted - got, got - wanted
            pytest.fail(
                f"seed {seed}, step {step} (roots {roots}, checksum={checksum}, rebuild={rebuild}): "
                f"{sum(missing.values())} articles missing {sorted(missing)[:3]}, "
                f"{sum(extra.values())} extra {sorted(extra)[:3]}; {wrong[:5]}\n"
                f"report: {report.summary()}; skipped {report.skipped[:5]}\n"
                "operations:\n  " + "\n  ".join(world.log)
            )
    shutil.rmtree(world.root)
    shutil.rmtree(index)
    return runs


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_model(tmp_path, monkeypatch, seed):
    run_model(tmp_path, seed, steps=12, monkeypatch=monkeypatch)


@pytest.mark.slow
def test_model_many_seeds(tmp_path, monkeypatch):
    runs = sum(run_model(tmp_path, seed, steps=40, monkeypatch=monkeypatch) for seed in range(100, 160))
    record("model-based test", f"{runs} index runs over 60 seeds, content on disk equal to the index after each")
