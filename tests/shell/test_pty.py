"""End to end: the real `searchkit shell` in a pseudo-terminal, driven with pexpect."""

from __future__ import annotations

import os
import sys

import pytest

pexpect = pytest.importorskip("pexpect")


def spawn(index, **env):
    # pexpect is a terminal that does not answer cursor position requests: without
    # PROMPT_TOOLKIT_NO_CPR, prompt_toolkit waits 1 s for the answer at every Enter.
    environment = dict(os.environ, TERM="xterm-256color", PAGER="cat", PROMPT_TOOLKIT_NO_CPR="1")
    environment.pop("NO_COLOR", None)
    environment.update(env)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "searchkit", "shell", "--index", str(index)],
        env=environment,
        encoding="utf-8",
        timeout=15,
        dimensions=(30, 100),
    )
    child.delaybeforesend = None
    child.expect_exact("searchkit>")
    return child


def test_search_open_and_quit_in_a_terminal(shell_index):
    child = spawn(shell_index)
    try:
        child.send("maize\r")
        child.expect_exact("Resume Through the Black Sea")  # the title; "maize" itself is highlighted in colour
        child.expect_exact("searchkit>")
        child.send(":open 1\r")
        child.expect_exact("Insurers had refused to cover the voyages until the navy promised escorts.")
        child.expect_exact("Exports matter more than any summit.")
        child.expect_exact("searchkit>")
        child.send(":quit\r")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0


def test_ctrl_c_keeps_the_shell_a_resize_redraws_and_ctrl_d_leaves(shell_index):
    child = spawn(shell_index)
    try:
        child.send("half a query")
        child.sendcontrol("c")
        child.expect_exact("searchkit>")
        child.setwinsize(20, 60)
        child.send("ferry")
        child.expect_exact("searchkit>")  # redrawn for the new size
        child.send("\r")
        child.expect_exact("Harbour Council Approves Night")  # "Ferry" is highlighted
        child.expect_exact("searchkit>")
        child.sendcontrol("d")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0


def test_a_long_result_page_goes_through_the_pager_and_is_wrapped(shell_index):
    child = spawn(shell_index, PAGER="sed 's/^/paged: /'", NO_COLOR="1")
    try:
        child.setwinsize(12, 50)
        child.send("wheat\r")
        child.expect_exact("paged: 1. Wheat Harvest Breaks Records in Kansas")
        child.expect_exact("paged:    farm/wheat-harvest.txt article · 2022-06-03 ·")  # wrapped at 50 columns
        child.expect_exact("searchkit>")
        child.setwinsize(40, 200)
        child.send("maize\r")
        child.expect_exact("1. Grain Exports Resume Through the Black Sea")  # fits: printed, not paged
        assert "paged:" not in child.before
        child.expect_exact("searchkit>")
        child.sendcontrol("d")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
