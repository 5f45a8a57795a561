"""The scraped-page parser on look-alike pages of real structures (tests/data/structures).

Each page is our own text written in the shape real scrapes take: what stands above
the title, pages without a title line, chrome inside the body, the wpDiscuz widget's
variants, WordPress, Disqus-style and plain comment lists, and pages that have no
comment section at all (where none may be invented).
"""

from __future__ import annotations

from datetime import date

import pytest

from searchkit.documents import parse_date
from searchkit.sources.scraped import parse_scraped

from .conftest import DATA

STRUCTURES = DATA / "structures"


def parse(name: str):
    return parse_scraped((STRUCTURES / name).read_text(encoding="utf-8"), name)


def comments(article) -> list[tuple[str | None, date | None, str]]:
    return [(c.author, c.date, c.text) for c in article.comments]


# --- lines above the title ---------------------------------------------------


def test_days_left_banner_is_not_the_title_and_gives_no_capture_month():
    article = parse("banner-wpdiscuz.txt")
    assert article.title == "Valley Rail Union Calls Off Strike After Overnight Talks"
    assert (article.date, article.captured, article.author) == (None, None, None)
    assert article.body == (
        "The rail workers’ union called off Thursday’s strike after eleven hours of talks with the regional "
        "operator ended shortly before dawn.\n\n"
        "Both sides agreed to a pay review in March and to new rest rules for drivers on the night freight routes."
    )


def test_weekday_dateline_above_the_title_is_the_publication_date():
    article = parse("weekday-dateline.txt")
    assert article.title == "Lighthouse Keepers’ Cottages Open as a Museum"
    assert article.date == date(2022, 10, 10) and article.captured is None
    assert article.body.startswith("The three cottages at the north point")
    assert article.body.endswith("the original kitchen range.")
    assert "Monday" not in article.body and article.comments == []


def test_site_chrome_and_day_month_dateline_above_the_title():
    article = parse("day-month-dateline.txt")
    assert article.title == "Town Hall Clock Stops at Noon for the First Time in a Century"
    assert article.date == date(2017, 6, 3)
    assert article.body.startswith("Nobody in the square noticed at first.")
    assert article.body.endswith("will inspect the mechanism next week.")
    assert "Most Popular" not in article.body and "June" not in article.body


def test_crawler_prefix_gives_date_and_url():
    article = parse("crawler-prefix.txt")
    assert article.title == "Kelp Farm Wins Licence for the Outer Bay"
    assert article.date == date(2017, 7, 24)
    assert article.url == "https://harbourgazette.example/2017/07/kelp-farm-licence"
    assert article.body.startswith("The planning board granted a ten-year licence")
    assert article.body.endswith("to mark the lease area at night.")


def test_crawler_prefix_followed_by_the_lead_on_the_same_line():
    lead = "The ferry ran late again on Thursday, for the ninth time. Nobody was told why."
    article = parse_scraped(f"date 2019-05-02 {lead}\n", "x")
    assert article.date == date(2019, 5, 2) and article.url is None
    assert (article.title, article.body) == ("The ferry ran late again on Thursday, for the ninth time.", lead)


def test_wrote_byline_above_the_title_is_the_author():
    article = parse("byline-wrote.txt")
    assert article.title == "Notes From the Allotment Committee Meeting"
    assert article.author == "Tamsin Vale"
    assert article.body.startswith("We met in the shed")
    assert article.body.endswith("plot 14 is free again.")
    assert "wrote" not in article.body


def test_by_line_under_the_title_is_the_author():
    article = parse_scraped("Title\n\nBy Jane Roe\n\nBody text.\n", "x")
    assert (article.author, article.body) == ("Jane Roe", "Body text.")


# --- pages without a title line ----------------------------------------------


def test_page_that_starts_with_its_lead_keeps_the_lead_in_the_body():
    article = parse("lead-first.txt")
    assert article.title == "Residents of the Marsh Lane estate will get a new bus stop…"
    assert article.body.startswith("Residents of the Marsh Lane estate will get a new bus stop by the end of the month")
    assert article.body.endswith("said one of the campaigners.")
    assert article.body.count("\n\n") == 2  # all three paragraphs kept


def test_page_that_starts_with_a_caption_keeps_it_and_takes_the_title_from_the_lead():
    article = parse("caption-first.txt")
    assert article.title == "The coat drive collected more than four hundred coats in a week,…"
    assert article.body.startswith("Volunteers sort donated coats at the community centre on Friday (Photo:")
    assert article.body.endswith("now asking for boots.")


def test_short_lead_is_not_dropped_as_a_repeated_title():
    article = parse_scraped("A quiet week on the canal, with no barges moving at all. Locks are shut.\n", "x")
    assert article.title == "A quiet week on the canal, with no barges moving at all."
    assert article.body == "A quiet week on the canal, with no barges moving at all. Locks are shut."


# --- chrome inside the body --------------------------------------------------


def test_donations_related_links_site_name_and_title_repeats_are_chrome():
    article = parse("body-chrome.txt")
    assert article.title == "Port Authority Delays “Green Corridor” Ferry Contract"
    assert article.captured == date(2024, 1, 1) and article.date is None
    assert article.body == (
        "The port authority postponed its decision on the electric ferry contract by three months, citing "
        "unanswered questions about charging points on the island side.\n\n"
        "Two shipyards bid for the contract. Both say they can deliver the first vessel within eighteen months "
        "of signing.\n\n"
        "The authority will publish the charging study in April."
    )
    assert article.comments == []


# --- comment sections --------------------------------------------------------


def test_wpdiscuz_variants_never_become_text_or_author():
    article = parse("banner-wpdiscuz.txt")
    assert comments(article) == [
        ("Piet Molenaar", None, "Good news for commuters, but the pay question is only postponed."),
        ("marisol_k", None, "Agreed. Ask again in March and see who remembers this promise."),
        (None, None, "The strike fund was nearly empty anyway."),
    ]


@pytest.mark.parametrize("count", ["1 Comment", "12 Comments"])
def test_wpdiscuz_count_line_between_widget_lines(count):
    page = f"Title\n\nBody.\n\n\nNotify of\n{count}\nOldest\nNewest Most Voted\nInline Feedbacks\nView all comments\n\nAda\n\nFirst!\n"
    article = parse_scraped(page, "x")
    assert article.body == "Body."
    assert comments(article) == [("Ada", None, "First!")]


def test_wordpress_says_threads_with_dates_nested_replies_and_a_reply_form():
    article = parse("wordpress-says.txt")
    assert article.title == "Reading Room Reopens With Longer Evening Hours"
    assert article.body == (
        "The reading room on Quay Street reopened on Monday after a new heating system was fitted, "
        "and it will now stay open until nine on weekdays."
    )
    assert comments(article) == [
        ("Orla Finch", date(2021, 3, 3), "Finally somewhere warm to study after work."),
        ("Bartek Nowak", date(2021, 3, 3), "Same here. The café closes at six."),
        ("Hugo Stenström", date(2021, 3, 4), "Will the archive desk keep the same hours?\n\nThe website does not say."),
    ]


def test_numbered_wordpress_comments_above_a_leave_a_reply_form():
    article = parse("wordpress-numbered.txt")
    assert article.body.startswith("Work starts in May") and article.body.endswith("delivery vans parking in it.")
    assert comments(article) == [
        ("Ines Albuquerque", date(2022, 4, 2), "About time. I was nearly doored twice last winter."),
        ("R. Okafor", date(2022, 4, 2), "Where will the vans unload instead?"),
        ("Ines Albuquerque", date(2022, 4, 3), "There is a loading bay at the corner, it is just always empty."),
    ]


def test_disqus_style_list_with_points_and_time_ago_lines():
    article = parse("disqus.txt")
    assert article.body == (
        "The night market is back at the tram depot every Friday from June, with forty stalls and a stage for local bands."
    )
    assert comments(article) == [
        ("Jonah Brisk", None, "Best news this year. The dumpling stall alone is worth it."),
        ("kestrel_88", None, "Hope they fixed the queue for the toilets."),
        ("Amara Quist", None, "They did, there are two new blocks by the gate."),
    ]


def test_comments_heading_with_name_date_and_text_blocks():
    article = parse("comments-heading.txt")
    assert article.body.endswith("will move it to the heritage line by lorry.")
    assert comments(article) == [
        (
            "Harriet Oduya",
            date(2021, 6, 4),
            "My grandfather worked in that box for thirty years. Thank you to the trust.",
        ),
        ("Tomasz Wierzba", date(2021, 6, 5), "Moving a brick building by lorry sounds brave. I hope someone films it."),
    ]
    assert [c.id for c in article.comments] == ["comments-heading.txt#c1", "comments-heading.txt#c2"]


# --- no comment is ever invented ---------------------------------------------


def test_prose_says_bullets_numbers_signature_and_event_list_are_body_not_comments():
    article = parse("no-comments-prose.txt")
    assert article.comments == []
    body = article.body
    assert body.startswith("The water board appointed a new chief engineer")
    assert body.endswith("• Autumn Open Day\nOctober 5, 2023")
    for kept in (
        "Hana Kovač says: the first job is the leaking main",
        "Ilse Brandt says:\n\n“We will fix the worst leaks first",
        "• Replace the oldest mains first\n• Publish monthly leak figures\n• Train two more apprentices",
        "1. The reservoir survey comes first.\n2. Then the pumping station.",
        "Miriam Olde\nFebruary 12, 2023\n\nThe board thanked the association for its patience.",
        "• Spring Open Day\nApril 6, 2023",
    ):
        assert kept in body


def test_form_text_alone_is_not_a_comment():
    page = "Title\n\nBody.\n\nLeave a Reply\n\nYour email address will not be published.\n\nPost Comment\n"
    article = parse_scraped(page, "x")
    assert (article.body, article.comments) == ("Body.", [])


# --- dates -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Monday, October 10, 2022", date(2022, 10, 10)),
        ("Tuesday, 4 December, 2007", date(2007, 12, 4)),
        ("Sat. Jan 5, 2019", date(2019, 1, 5)),
        ("Thurs 1 October 2020", date(2020, 10, 1)),
        ("Monday 2022", None),
        ("Sunday, May 2022", None),
        ("Friday, February 30, 2024", None),
    ],
)
def test_parse_date_reads_a_weekday_before_a_full_date(text, expected):
    assert parse_date(text) == expected


def test_blogger_said_comments_and_post_footer():
    article = parse("blogger-said.txt")
    assert article.title == "Snowdrops on the Railway Embankment"
    assert article.date == date(2015, 3, 8)
    assert article.body == (
        "The embankment behind the station is white with snowdrops again, three weeks later than last year."
    )
    assert comments(article) == [
        ("Wren Aldous", None, "They came up in our lane on Friday. Spring at last."),
        ("Olly Penhallow", None, "Thank you for the photo, I had no idea they grew there."),
    ]


def test_numbered_comments_without_names_take_the_date_line_below_them():
    article = parse("numbered-no-names.txt")
    assert (
        article.body
        == "The café at the end of the pier will stay open until four in the afternoon all winter, the owners said."
    )
    assert comments(article) == [
        (None, date(2022, 1, 9), "Good. The walk out there is the best part of a cold Sunday."),
        (None, date(2022, 1, 10), "Do they still do the crab sandwiches?"),
    ]


def test_dateline_and_byline_on_consecutive_lines_below_the_title():
    """A dateline and a byline in one block (no blank line between them, either order, or on
    one line split by |) give the date and the author, and stay out of the body."""
    article = parse("dateline-byline-block.txt")
    assert article.title == "Harbour Pilots Strike Over Doubled Night Shifts"
    assert (article.date, article.author) == (date(2023, 3, 14), "Ana Vale")
    assert article.body.startswith("Pilots at the eastern harbour stopped work")
    text = (STRUCTURES / "dateline-byline-block.txt").read_text(encoding="utf-8")
    for block in ("By Ana Vale\nMarch 14, 2023", "By Ana Vale | March 14, 2023"):
        swapped = parse_scraped(text.replace("March 14, 2023\nBy Ana Vale", block), "p")
        assert (swapped.date, swapped.author) == (date(2023, 3, 14), "Ana Vale"), block
        assert swapped.body == article.body


def test_a_comment_header_without_text_is_no_comment_and_takes_no_number():
    # found by the property test: a header with nothing under it used to take number 1
    article = parse_scraped("Title\nNOTIFY OF\nA\nMAY 2001\nBee\nMAY 2001\nWell said.", "a.txt")
    assert [(c.id, c.position, c.author, c.text) for c in article.comments] == [("a.txt#c1", 1, "Bee", "Well said.")]
