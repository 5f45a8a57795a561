"""Whole sessions driven through a pipe (create_pipe_input + DummyOutput), the state, config, toolbar, CLI."""

from __future__ import annotations

import io
import shutil
import threading
import time

import pytest
from click.testing import CliRunner
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from searchkit import build_index, open_index
from searchkit.cli import cli
from searchkit.shell import run_shell
from searchkit.shell.config import Config, config_path, history_path, load_config
from searchkit.shell.session import ShellState
from searchkit.shell.style import make_style
from searchkit.shell.toolbar import toolbar_fragments

from .conftest import render_page

UP, RIGHT, CTRL_C, CTRL_D, CTRL_R, ESC = "\x1b[A", "\x1b[C", "\x03", "\x04", "\x12", "\x1b"


def drive(index, *chunks: str, pause: float = 0.0, **options) -> str:
    """Run a shell on ``index`` fed with ``chunks`` of keys; return what it printed.

    With ``pause``, chunks are sent one by one that many seconds apart (for
    what prompt_toolkit does in the background: loading history, suggesting).
    """
    out = io.StringIO()
    options.setdefault("config", Config())
    with create_pipe_input() as pipe:
        if pause:

            def feed():
                for chunk in chunks:
                    time.sleep(pause)
                    pipe.send_text(chunk)

            threading.Thread(target=feed, daemon=True).start()
        else:
            pipe.send_text("".join(chunks))
        code = run_shell(index, input=pipe, output=DummyOutput(), stdout=out, **options)
    assert code == 0
    return out.getvalue()


# -- sessions ---------------------------------------------------------------------------
def test_a_session_searches_opens_and_quits(shell_index):
    out = drive(shell_index, "maize\r", ":open 1\r", ":quit\r")
    assert out.startswith(f"searchkit 0.1.0 on {shell_index}: :help lists the commands\n1. Grain Exports Resume")
    assert "Mila Novak: Maize is the real story here, not wheat." in out
    assert "Insurers had refused to cover the voyages until the navy promised escorts.\n\n2 comments\n" in out


def test_ctrl_d_leaves(shell_index):
    assert drive(shell_index, "wheat\r", CTRL_D).count("Wheat Harvest Breaks Records") == 1


def test_ctrl_c_clears_the_line_and_the_session_goes_on(shell_index):
    out = drive(shell_index, "library", CTRL_C, "maize\r", CTRL_D)
    assert "City Library" not in out and "Grain Exports Resume" in out


def test_ctrl_c_during_a_search_interrupts_it_only(shell_index, monkeypatch):
    real_search = ShellState.search

    def slow_search(self, query, page=1):
        if query == "slow":
            raise KeyboardInterrupt
        return real_search(self, query, page)

    monkeypatch.setattr(ShellState, "search", slow_search)
    out = drive(shell_index, "slow\r", "maize\r", ":quit\r")
    assert "\ninterrupted\n1. Grain Exports Resume" in out


def test_did_you_mean_through_the_worker_process(shell_index):
    out = drive(shell_index, "wheet harvset\r", ":quit\r")
    assert "no hits for 'wheet harvset'\ndid you mean: wheat harvest\n" in out


def test_did_you_mean_waits_for_a_loading_vocabulary_only_so_long(state, monkeypatch):
    from searchkit.shell.commands import dispatch
    from searchkit.shell.session import Worker

    def busy(*args, **kwargs):
        raise TimeoutError

    state.worker = Worker()
    monkeypatch.setattr(state.worker, "call", busy)
    dispatch(state, "wheet")
    assert state.out.getvalue().endswith(
        "no hits for 'wheet'\n(no spelling suggestions yet: the vocabulary is still loading)\n"
    )


def test_worker_process_serves_searchkit_functions_and_dies_cleanly(shell_index):
    import os

    from searchkit import SearchkitError
    from searchkit.shell.completer import same_case
    from searchkit.shell.session import Worker, WorkerClosed, WorkerUnavailable, count_index

    worker = Worker().start()
    try:
        assert worker.call(same_case, "Put", "putin") == "Putin"
        assert worker.call(count_index, str(shell_index)).articles == 5
        with pytest.raises(SearchkitError, match="posix.getpid: not a searchkit function"):
            worker.call(os.getpid)
        worker._process.kill()
        with pytest.raises(WorkerUnavailable):
            worker.call(same_case, "a", "b")
        assert not worker.available
    finally:
        worker.close()
    with pytest.raises(WorkerClosed):
        worker.call(same_case, "a", "b")


def test_unknown_commands_and_errors_keep_the_session(shell_index):
    out = drive(shell_index, ":frob\r", "date:2022-13\r", "maize\r", ":q\r")
    assert "unknown command :frob (:help lists the commands)\n" in out
    assert "error: date not understood: date:2022-13" in out
    assert "1. Grain Exports Resume" in out


def test_page_size_and_empty_enter_for_the_next_page(shell_index):
    out = drive(shell_index, "wheat\r", "\r", ":quit\r", page_size=1)
    assert "1-1 of 2 hits, page 1 of 2" in out and "2-2 of 2 hits, page 2 of 2" in out


def test_history_is_saved_and_recalled_in_the_next_session(shell_index):
    drive(shell_index, "maize\r", "ferry\r", ":quit\r")
    assert history_path().read_text().count("\n+maize\n") == 1
    out = drive(shell_index, UP, UP, UP, "\r", ":quit\r", pause=0.15)  # up past ":quit" and "ferry"
    assert "1. Grain Exports Resume" in out


def test_ctrl_r_searches_history(shell_index):
    drive(shell_index, "maize\r", "library\r", ":quit\r")
    out = drive(shell_index, CTRL_R, "mai", "\r", "\r", ":quit\r", pause=0.15)
    assert out.count("1. Grain Exports Resume") == 1 and "City Library" not in out


def test_right_arrow_takes_the_suggestion_from_history(shell_index):
    drive(shell_index, "library\r", ":quit\r")
    out = drive(shell_index, "lib", RIGHT, "\r", ":quit\r", pause=0.15)
    assert "1. City Library Extends Opening Hours" in out


def test_vi_editing_mode(shell_index):
    # vi: Esc, 0 (line start), cw (change word) -> "wheat"; in emacs the same keys make no word of the corpus
    keys = ("maize", ESC, "0cwwheat\r", ":quit\r")
    assert "1. Wheat Harvest Breaks Records" in drive(shell_index, *keys, pause=0.05, editing_mode="vi")
    assert "1. Wheat Harvest" not in drive(shell_index, *keys, pause=0.05, editing_mode="emacs")


def test_config_file_is_read_from_the_xdg_config_dir(shell_index):
    config_path().parent.mkdir(parents=True)
    config_path().write_text('page_size = 1\nfont = "big"\n[colors]\nfield = "not-a-colour"\n')
    out = drive(shell_index, "wheat\r", ":quit\r", config=None)
    assert f"config: {config_path()}: unknown key 'font' ignored\n" in out
    assert "config: colors.field: 'not-a-colour' is not a style" in out
    assert "1-1 of 2 hits, page 1 of 2" in out
    assert "1-2 of 2 hits" in drive(shell_index, "wheat\r", ":quit\r", config=None, page_size=10)


# -- the state: an index that changes under the shell ------------------------------------------
def test_a_new_commit_is_seen_without_restarting(tmp_path, shell_corpus):
    corpus = tmp_path / "corpus"
    shutil.copytree(shell_corpus, corpus)
    index_path = tmp_path / "ix"
    build_index([str(corpus)], index_path)
    from searchkit.shell.completer import Vocabulary

    vocabulary = Vocabulary()
    vocabulary.load(index_path)
    with open_index(index_path) as index:
        state = ShellState(index, out=io.StringIO(), vocabulary=vocabulary)
        state.reload_stats(background=False)
        assert state.search("lighthouse").total == 0 and state.stats.articles == 5
        page = render_page("Lighthouse Keeper Retires", "May 2, 2022", ["The last lighthouse keeper left."], [])
        (corpus / "town" / "lighthouse.txt").write_text(page)
        build_index([str(corpus)], index_path)
        assert state.search("lighthouse").total == 1
        state.wait()
        assert state.stats.articles == 6
        assert vocabulary.words("lighth") == [("lighthouse", 1)]
        assert state.refresh() is False


# -- config, style, toolbar --------------------------------------------------------------------
def test_config_defaults_without_a_file():
    config = load_config()
    assert (config.editing_mode, config.page_size, config.pager, config.warnings) == ("emacs", 10, None, [])
    assert config.pager_command() == "cat"  # $PAGER, set by the sandbox


def test_config_values_and_warnings(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text(
        'editing_mode = "vi"\npage_size = 5\npager = "less -RS"\ncomplete_while_typing = false\n'
        '[colors]\nphrase = "#ff0000"\n'
    )
    config = load_config(path)
    assert (config.editing_mode, config.page_size, config.pager, config.complete_while_typing) == (
        "vi",
        5,
        "less -RS",
        False,
    )
    assert config.colors == {"phrase": "#ff0000"} and config.warnings == []
    assert config.pager_command() == "less -RS"
    path.write_text('editing_mode = "nano"\npage_size = 0\n')
    assert load_config(path).warnings == [
        f'{path}: editing_mode must be "emacs" or "vi", not \'nano\'',
        f"{path}: page_size must be a whole number from 1 to 1000, not 0",
    ]
    path.write_text("page_size = [")
    (warning,) = load_config(path).warnings
    assert warning.startswith(f"{path}: not read (") and warning.endswith("); using the defaults")
    monkeypatch.delenv("PAGER")
    assert Config().pager_command() == "less -R"


def test_xdg_paths_follow_the_environment(sandbox):
    assert config_path() == sandbox / "config" / "searchkit" / "config.toml"
    assert history_path() == sandbox / "state" / "searchkit" / "history"


def test_style_overrides_by_name_and_by_selector():
    style, warnings = make_style({"field": "#ff0000", "completion-menu.completion.current": "bg:#00aaaa"})
    assert warnings == []
    rules = dict(style.style_rules)
    assert rules["pygments.name.attribute"] == "#ff0000"
    assert rules["completion-menu.completion.current"] == "bg:#00aaaa"


def test_toolbar_shows_index_counts_filters_hits_and_time(state):
    def text():
        return "".join(fragment for _style, fragment in toolbar_fragments(state))

    path = state.index_path
    assert text() == f" {path}  5 articles · 7 comments  │  no filters  │  F4 emacs  :help "
    state.set_filters(scope="comments", since="2022")
    state.search("wheat OR crew OR exports")
    ms = f"{state.last_seconds * 1000:.0f} ms"
    assert text() == (
        f" {path}  5 articles · 7 comments  │  in comments · since 2022  │  3 hits · {ms}  │  F4 emacs  :help "
    )
    state.stats = None
    assert text().startswith(f" {path}  counting…  │")


# -- the CLI command ------------------------------------------------------------------------
def test_cli_help_has_an_example():
    result = CliRunner().invoke(cli, ["shell", "--help"])
    assert result.exit_code == 0
    assert (
        "  Examples:\n    searchkit shell\n    searchkit shell --index ~/scrapes.idx --vi --page-size 5\n"
        in result.output
    )


def test_cli_without_a_terminal_runs_each_line(shell_index):
    lines = "maize\n:json\nwheet\n:quit\nwheat\n"
    result = CliRunner().invoke(cli, ["shell", "--index", str(shell_index)], input=lines)
    assert result.exit_code == 0
    assert result.stdout.startswith("1. Grain Exports Resume Through the Black Sea\n")
    assert '"total": 1' in result.stdout and "Wheat Harvest" not in result.stdout
    assert result.stdout.endswith("no hits for 'wheet'\ndid you mean: wheat\n")


def test_cli_builds_the_default_index_from_corpus_first(tmp_path, shell_corpus, monkeypatch):
    shutil.copytree(shell_corpus, tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["shell"], input="maize\n")
    assert result.exit_code == 0
    assert "no index yet: indexing ./corpus into index (once)" in result.stderr
    assert "1. Grain Exports Resume" in result.stdout


def test_cli_missing_index_is_one_line_and_exit_2(tmp_path):
    result = CliRunner().invoke(cli, ["shell", "--index", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"searchkit: error: {tmp_path / 'none'}: no searchkit index here")


@pytest.mark.parametrize("flag, mode", [("--vi", "vi"), ("--emacs", "emacs"), (None, None)])
def test_cli_editing_mode_and_page_size_reach_run_shell(shell_index, monkeypatch, flag, mode):
    seen = {}
    monkeypatch.setattr("searchkit.shell.run_shell", lambda path, **options: seen.update(options) or 0)
    args = ["shell", "--index", str(shell_index), "--page-size", "3"] + ([flag] if flag else [])
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert seen == {"editing_mode": mode, "page_size": 3}


F3 = "\x1bOR"


def test_f3_puts_the_did_you_mean_suggestion_on_the_line(shell_index):
    out = drive(shell_index, "title:whaet\r", F3, "\r", ":quit\r", workers=False)
    assert "no hits for 'title:whaet'\ndid you mean: title:wheat\n" in out
    assert "1. Wheat Harvest Breaks Records in Kansas" in out


def test_sort_by_date_then_a_query_does_not_end_the_session(shell_index):
    out = drive(shell_index, ":sort date\r", "wheat OR library OR ferry\r", "maize\r", ":quit\r")
    assert "internal error" not in out
    assert "1. Grain Exports Resume Through the Black Sea" in out


def test_page_results_in_the_config_reaches_the_session(shell_index, sandbox, monkeypatch):
    path = config_path()
    path.parent.mkdir(parents=True)
    path.write_text("page_results = false\n")
    assert load_config().page_results is False
    path.write_text('page_results = "no"\n')
    assert load_config().warnings == [f"{path}: page_results must be true or false, not 'no'"]
    seen = {}
    real = ShellState.__init__

    def spy(self, *args, **kwargs):
        seen["page_results"] = kwargs.get("page_results")
        real(self, *args, **kwargs)

    monkeypatch.setattr(ShellState, "__init__", spy)
    drive(shell_index, ":quit\r", config=Config(page_results=False))
    assert seen == {"page_results": False}
