"""Fixtures for the shell: a tiny hand-written corpus indexed once, and a config/history sandbox.

Every test runs with the XDG directories (and HOME) in its own tmp_path, so
nothing reads or writes the real ~/.config or ~/.local; PAGER is ``cat``.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from searchkit import build_index, open_index
from searchkit.shell.completer import Vocabulary
from searchkit.shell.session import ShellState

COMMENT_WIDGET = "\n\n\nNotify of\nNewest Most Voted\nInline Feedbacks\nView all comments\n\n"
TRAILER = "\n\nWould love your thoughts, please comment.x"

PAGES = {
    "farm/wheat-harvest.txt": (
        "Wheat Harvest Breaks Records in Kansas",
        "June 3, 2022",
        [
            "Farmers across Kansas brought in the largest wheat harvest in a decade, despite a dry spring.",
            "Grain elevators in Salina ran out of space by Friday, and prices fell for the first time this year.",
        ],
        [
            ("Chris Chuba", "Wheat prices will fall further once the exports resume."),
            ("Anna Lee", "The rain in May saved the crop. Nobody expected it."),
        ],
    ),
    "farm/grain-exports.txt": (
        "Grain Exports Resume Through the Black Sea",
        "July 22, 2023",
        [
            "Ships loaded with wheat and maize left Odesa on Saturday under a new corridor agreement.",
            "Insurers had refused to cover the voyages until the navy promised escorts.",
        ],
        [
            ("Chris Chuba", "Exports matter more than any summit. Watch the insurers."),
            ("Mila Novak", "Maize is the real story here, not wheat."),
        ],
    ),
    "town/night-ferry.txt": (
        "Harbour Council Approves Night Ferry",
        "March 9, 2021",
        [
            "The harbour council voted on Tuesday to run a night ferry between the two piers.",
            "Tickets will cost the same as the day service, the mayor said.",
        ],
        [
            ("Bob Harper", "About time. The last bus leaves at ten."),
            ("Chris Chuba", "Who pays for the crew at night? Not the council."),
        ],
    ),
    "town/library-hours.txt": (
        "City Library Extends Opening Hours",
        "September 14, 2022",
        [
            "The central library will open until nine on weekdays from October, the city said.",
            "Librarians welcomed the change but asked for two more staff to cover the evenings.",
        ],
        [],
    ),
    "world/putin-trump-call.txt": (
        "Putin and Trump Hold First Phone Call",
        "January 28, 2017",
        [
            "Vladimir Putin and Donald Trump spoke by telephone for about an hour on Saturday.",
            "The Kremlin said both leaders wanted to restore economic ties and fight terrorism together.",
        ],
        [("Anna Lee", "A phone call is not a policy.")],
    ),
}


def render_page(title: str, dateline: str, paragraphs: list[str], comments: list[tuple[str, str]]) -> str:
    text = f"{title}\n\n{dateline}\n\n" + "\n\n".join(paragraphs)
    if comments:
        text += COMMENT_WIDGET + "\n\n".join(f"{author}\n\n{body}" for author, body in comments) + TRAILER
    return text + "\n"


def write_corpus(folder: Path) -> Path:
    for name, page in PAGES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_page(*page), encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def shell_corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("shell-corpus"))


@pytest.fixture(scope="session")
def shell_index(tmp_path_factory, shell_corpus) -> Path:
    """The corpus above, indexed once per test session (read-only: tests must not change it)."""
    path = tmp_path_factory.mktemp("shell-index")
    build_index([str(shell_corpus)], path)
    return path


@pytest.fixture(autouse=True)
def sandbox(tmp_path, monkeypatch) -> Path:
    """XDG dirs and HOME inside tmp_path; PAGER=cat; no colour from the environment."""
    for variable, sub in [
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("HOME", "home"),
    ]:
        (tmp_path / sub).mkdir()
        monkeypatch.setenv(variable, str(tmp_path / sub))
    monkeypatch.setenv("PAGER", "cat")
    monkeypatch.delenv("SEARCHKIT_INDEX", raising=False)
    return tmp_path


@pytest.fixture
def state(shell_index):
    """A ShellState on the test index writing to a StringIO (``state.out.getvalue()``), vocabulary loaded."""
    vocabulary = Vocabulary()
    vocabulary.load(shell_index)
    with open_index(shell_index) as index:
        shell = ShellState(index, out=io.StringIO(), vocabulary=vocabulary, pager="cat")
        shell.reload_stats(background=False)
        yield shell


def printed(state: ShellState) -> str:
    """What the state printed so far; clears it."""
    text = state.out.getvalue()
    state.out.seek(0)
    state.out.truncate()
    return text
