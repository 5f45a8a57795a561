"""The completer, with Document objects and exact completion lists; no terminal."""

from __future__ import annotations

import pytest
from prompt_toolkit.completion import CompleteEvent, Completion
from prompt_toolkit.document import Document

from searchkit.shell.commands import all_commands
from searchkit.shell.completer import PrefixTable, ShellCompleter, Vocabulary, read_vocabulary, same_case

WORDS = {"putin": 40, "put": 12, "pump": 12, "pumpkin": 3, "puzzle": 1, "trump": 30, "title": 2, "organized": 5}
AUTHORS = {"Chris Chuba": 7, "chris": 2, "Anna Lee": 3, "888mladen .": 1}
TYPING = CompleteEvent(text_inserted=True)
TAB = CompleteEvent(completion_requested=True)


def complete(text: str, vocabulary: Vocabulary | None = None, event=TYPING, state=None) -> list[Completion]:
    vocabulary = vocabulary if vocabulary is not None else Vocabulary.from_counts(WORDS, AUTHORS)
    completer = ShellCompleter(vocabulary, all_commands, state)
    return list(completer.get_completions(Document(text), event))


def texts(completions: list[Completion]) -> list[str]:
    return [c.text for c in completions]


def test_words_by_prefix_most_frequent_first_ties_alphabetical():
    assert complete("pu") == [
        Completion("putin", -2, display="putin", display_meta="40 docs"),
        Completion("pump", -2, display="pump", display_meta="12 docs"),
        Completion("put", -2, display="put", display_meta="12 docs"),
        Completion("pumpkin", -2, display="pumpkin", display_meta="3 docs"),
        Completion("puzzle", -2, display="puzzle", display_meta="1 doc"),
    ]


def test_word_after_other_words_and_inside_a_phrase_or_brackets():
    assert texts(complete("vladimir pum")) == ["pump", "pumpkin"]
    assert texts(complete('"vladimir pum')) == ["pump", "pumpkin"]
    assert texts(complete("(trump OR pum")) == ["pump", "pumpkin"]
    assert texts(complete("-pum")) == ["pump", "pumpkin"]


def test_only_the_word_before_the_cursor_is_completed():
    document = Document("pum trump", cursor_position=3)
    completer = ShellCompleter(Vocabulary.from_counts(WORDS), all_commands)
    assert texts(completer.get_completions(document, TYPING)) == ["pump", "pumpkin"]


def test_capitalised_prefix_gives_capitalised_words_shown_as_written():
    completions = complete("Pum")
    assert texts(completions) == ["Pump", "Pumpkin"]
    assert [c.display_text for c in completions] == ["pump", "pumpkin"]
    assert texts(complete("TRU")) == ["TRUMP"]


def test_field_names_come_first_then_words():
    assert complete("ti") == [
        Completion("title:", -2, display_meta="field"),
        Completion("title", -2, display="title", display_meta="2 docs"),
    ]
    assert texts(complete("a")) == ["author:"]


def test_words_after_a_text_field():
    assert texts(complete("title:pu")) == ["putin", "pump", "put", "pumpkin", "puzzle"]
    assert complete("title:tr") == [Completion("trump", -2, display="trump", display_meta="30 docs")]
    assert complete("date:20") == []
    assert complete("title:") == []


def test_operators_offered_for_upper_case_prefix():
    assert texts(complete("putin AN")) == ["AND"]
    assert texts(complete("putin O")) == ["OR", "Organized"]
    assert texts(complete("putin AND")) == []


def test_author_names_quoted_when_they_hold_a_space():
    assert complete("author:ch") == [
        Completion('"Chris Chuba"', -2, display="Chris Chuba", display_meta="7 comments"),
        Completion("chris", -2, display="chris", display_meta="2 comments"),
    ]
    assert texts(complete('wheat author:"chris c')) == ['"Chris Chuba"']
    assert complete('author:"chris c')[0].start_position == -len('"chris c')
    assert texts(complete("author:")) == ['"Chris Chuba"', '"Anna Lee"', "chris", '"888mladen ."']


def test_nothing_after_a_space_wildcard_or_fuzzy_mark():
    assert complete("putin ") == []
    assert complete("organi*") == []
    assert complete("putn~") == []
    assert complete("wheat^2") == []
    assert complete("") == []


def test_commands_after_a_colon_with_their_summaries():
    completions = complete(":s")
    assert texts(completions) == [":since", ":sort", ":save", ":saved", ":stats"]
    assert completions[0].start_position == -2
    assert completions[0].display_meta_text.startswith("Only hits from DATE on")
    assert texts(complete(":")) == [f":{c.name}" for c in all_commands()]


def test_tab_on_an_empty_line_lists_the_commands():
    assert texts(complete("", event=TAB))[:3] == [":help", ":next", ":prev"]


def test_command_arguments_from_the_registry():
    assert texts(complete(":in a")) == ["all", "articles"]
    assert texts(complete(":sort ")) == ["relevance", "date"]
    assert texts(complete(":help op")) == ["open"]
    assert texts(complete(":nosuch x")) == []
    assert texts(complete(":since 20")) == []


def test_author_command_completes_names_from_the_vocabulary(state):
    assert texts(complete(":author ch", vocabulary=state.vocabulary, state=state)) == ["Chris Chuba"]


def test_open_completes_hit_numbers_with_titles(state):
    state.search("wheat")
    completions = complete(":open ", vocabulary=state.vocabulary, state=state)
    assert [(c.text, c.display_meta_text) for c in completions] == [
        ("1", "Wheat Harvest Breaks Records in Kansas"),
        ("2", "Grain Exports Resume Through the Black Sea"),
    ]


def test_until_the_vocabulary_is_loaded_only_commands_and_fields():
    empty = Vocabulary()
    assert not empty.ready
    assert texts(complete("ti", vocabulary=empty)) == ["title:"]
    assert texts(complete(":he", vocabulary=empty)) == [":help"]


def test_vocabulary_read_from_the_index_is_surface_words(shell_index):
    words, authors = (table.items() for table in read_vocabulary(shell_index))
    assert words["wheat"] == 4 and words["harvest"] == 1
    assert "exports" in words and "export" not in words  # as written, never the stem
    assert "librarians" in words and "librarian" not in words
    assert authors == {"Anna Lee": 2, "Bob Harper": 1, "Chris Chuba": 3, "Mila Novak": 1}


def test_vocabulary_can_share_the_word_list_of_an_open_index(shell_index):
    from searchkit import open_index

    with open_index(shell_index) as index:
        words, authors = read_vocabulary(shell_index, shared=index)
        assert words.items() == index.vocabulary()
        assert authors.items() == read_vocabulary(shell_index)[1].items()


def test_vocabulary_loads_in_the_background(shell_index):
    loaded = []
    vocabulary = Vocabulary(on_loaded=lambda: loaded.append(True))
    vocabulary.start(shell_index)
    assert vocabulary.wait(10)
    assert loaded == [True] and vocabulary.error is None and vocabulary.seconds is not None
    assert vocabulary.words("wh") == [("wheat", 4), ("who", 1)]
    assert vocabulary.authors("") == [("Chris Chuba", 3), ("Anna Lee", 2), ("Bob Harper", 1), ("Mila Novak", 1)]


def test_vocabulary_of_a_missing_index_degrades_to_no_words(tmp_path):
    vocabulary = Vocabulary()
    vocabulary.load(tmp_path / "nothing-here")
    assert not vocabulary.ready and "IndexNotFoundError" in vocabulary.error
    assert vocabulary.words("a") == []


@pytest.mark.parametrize("prefix", ["", "p", "pu", "pum", "pumpk", "q", "zz", "pumpkins"])
def test_prefix_table_agrees_with_a_plain_sort(prefix):
    table = PrefixTable.from_counts(WORDS)
    expected = sorted(((w, c) for w, c in WORDS.items() if w.startswith(prefix)), key=lambda p: (-p[1], p[0]))
    assert table.lookup(prefix) == expected[:20]


def test_prefix_table_keeps_the_best_twenty_of_a_crowded_prefix():
    counts = {f"pa{i:03d}": i % 37 for i in range(500)} | {"p": 99, "pb": 50}
    table = PrefixTable.from_counts(counts)
    expected = sorted(counts.items(), key=lambda p: (-p[1], p[0]))
    assert table.lookup("p") == expected[:20]
    assert table.lookup("pa", 5) == [p for p in expected if p[0].startswith("pa")][:5]
    assert table.lookup("pa0") == [p for p in expected if p[0].startswith("pa0")][:20]


def test_prefix_table_searches_folded_keys_and_offers_values():
    table = PrefixTable.from_counts({"Chris Chuba": 3, "chris": 2, "Anna": 1}, str.lower)
    assert table.lookup("chr") == [("Chris Chuba", 3), ("chris", 2)]
    assert table.lookup("") == [("Chris Chuba", 3), ("chris", 2), ("Anna", 1)]


def test_packed_tables_answer_as_the_plain_ones():
    import pickle

    from searchkit.shell.completer import PackedWords

    words = PackedWords.pack(["ab", "abc", "b", "é’t"])
    assert list(words) == ["ab", "abc", "b", "é’t"] and len(words) == 4 and words[-1] == "é’t"
    plain = PrefixTable.from_counts(WORDS)
    wire = pickle.loads(pickle.dumps(plain.packed()))
    packed = PrefixTable.unpacked(wire)
    for prefix in ["", "p", "pu", "pum", "t", "title", "x"]:
        assert packed.lookup(prefix) == plain.lookup(prefix)
    authors = PrefixTable.unpacked(PrefixTable.from_counts(AUTHORS, str.lower).packed())
    assert authors.lookup("ch") == [("Chris Chuba", 7), ("chris", 2)]


def test_same_case():
    assert same_case("Put", "putin") == "Putin"
    assert same_case("NAT", "nato") == "NATO"
    assert same_case("put", "putin") == "putin"
