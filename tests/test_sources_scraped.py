"""The scraped-page parser on the real example page and on hand-made variants."""

from __future__ import annotations

from datetime import date

import pytest

from searchkit.sources import SourceFile, decode, read_source
from searchkit.sources.scraped import looks_like_author, parse_scraped

from .conftest import DATA, EXAMPLE_PAGE, needs_shared

FERRY = (DATA / "pages" / "ferry.txt").read_text(encoding="utf-8")
CHROME = (
    "Support SouthFront",
    "Notify of",
    "Newest Most Voted",
    "Inline Feedbacks",
    "View all comments",
    "Would love your thoughts",
)


@needs_shared(EXAMPLE_PAGE)
def test_example_page_gives_title_body_and_six_comments():
    article = parse_scraped(EXAMPLE_PAGE.read_text(encoding="utf-8"), "example.txt")
    assert article.title == (
        "White House Calls 1st Phone Conversation between Putin & Trump ‘Significant Start to Improving Relationship’"
    )
    assert article.body.startswith("The first telephone conversation")
    for chrome in CHROME:
        assert chrome not in article.body
    assert article.title not in article.body
    assert "(Photo: Reuters" in article.body  # the caption stays
    assert article.captured == date(2022, 5, 1) and article.date is None
    assert len(article.comments) == 6
    assert [c.author for c in article.comments if c.author] == ["Jean de Peyrelongue", "chris chuba", "888mladen"]
    assert [c.id for c in article.comments] == [f"example.txt#c{n}" for n in range(1, 7)]
    for comment in article.comments:
        assert not any(chrome in comment.text for chrome in CHROME)


def test_lookalike_page_is_parsed_like_the_example():
    article = parse_scraped(FERRY, "pages/ferry.txt")
    assert article.title == "Harbour Council Approves Night Ferry After ‘Long Overdue’ Vote"
    assert article.captured == date(2021, 3, 1)
    assert article.body.startswith("The harbour council voted on Tuesday")
    assert "Support Coastline Courier" not in article.body
    assert article.body.count("Night Ferry") == 0
    assert "Councillor Maëlle Ørsted speaks at the pier (Photo: Courier / Tomás Ibáñez)" in article.body
    assert [(c.author, c.text.split(".")[0]) for c in article.comments] == [
        (None, "About time"),
        (None, "I work the late shift at the fish market, so this changes everything for me"),
        ("Maëlle Ørsted", "Thank you all for the support"),
        ("harbour_watcher", "Who pays for the sea wall now? Nobody on the council answered that question"),
        (None, "A ferry at night will be empty half the year"),
        ("Bjørn K", "Seconded"),
    ]
    # a single blank line continues the comment: two paragraphs
    assert article.comments[3].text.endswith("It was raised twice at the meeting and ignored both times.")


def test_page_without_widget_month_or_comments_has_a_dateline():
    article = parse_scraped((DATA / "pages/section/apples.txt").read_text(encoding="utf-8"), "a")
    assert article.title == "Orchard Growers Report Record Apple Harvest"
    assert article.date == date(2019, 9, 3)
    assert article.captured is None
    assert article.body.startswith("Growers in the valley")
    assert "September 3, 2019" not in article.body
    assert article.comments == []


@pytest.mark.parametrize(
    "dateline, expected",
    [
        ("March 14, 2023", date(2023, 3, 14)),
        ("14 March 2023", date(2023, 3, 14)),
        ("Published: 2023-03-14", date(2023, 3, 14)),
        ("Posted on March 14, 2023", date(2023, 3, 14)),
    ],
)
def test_datelines(dateline, expected):
    article = parse_scraped(f"Title\n\n{dateline}\n\nBody text.\n", "x")
    assert article.date == expected
    assert article.body == "Body text."


def test_month_banner_is_never_the_article_date():
    article = parse_scraped("10 $\nMAY 2022\n\nTitle\n\nBody.\n", "x")
    assert article.captured == date(2022, 5, 1)
    assert article.date is None


def test_crlf_and_bom_give_the_same_article(tmp_path):
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(b"\xef\xbb\xbf" + FERRY.replace("\n", "\r\n").encode("utf-8"))
    article = next(read_source(SourceFile(crlf, "crlf.txt")).articles)
    reference = parse_scraped(FERRY, "crlf.txt", source="crlf.txt")
    assert article == reference


def test_cp1252_text_is_decoded_and_reported(tmp_path):
    page = tmp_path / "latin.txt"
    page.write_bytes("Café owners protest\n\nThe café’s owners said “no”.\n".encode("cp1252"))
    read = read_source(SourceFile(page, "latin.txt"))
    article = next(read.articles)
    assert article.title == "Café owners protest"
    assert article.body == "The café’s owners said “no”."
    assert read.problems == [f"{page}: not valid UTF-8 (byte 3), read as cp1252"]


def test_decode_refuses_binary():
    with pytest.raises(Exception, match="binary file"):
        decode(b"\x89PNG\x00\x00", "x.png", [])


@pytest.mark.parametrize("text", ["", "\n\n  \n", "0 $\n10 $\n"])
def test_no_title_is_an_error(text):
    with pytest.raises(ValueError, match="no title"):
        parse_scraped(text, "x")


def test_comment_section_without_comments():
    article = parse_scraped(
        "Title\n\nBody.\n\n\nNotify of\nNewest Most Voted\nInline Feedbacks\nView all comments\n", "x"
    )
    assert article.body == "Body." and article.comments == []


@pytest.mark.parametrize(
    "block, expected",
    [
        ("Jean de Peyrelongue", True),
        ("888mladen .", True),
        ("chris chuba", True),
        ("Seconded.", False),
        ("This is a sentence that runs on", False),
        ("“Quoted”", False),
        ("two\nlines", False),
    ],
)
def test_author_line_heuristic(block, expected):
    assert looks_like_author(block) is expected
