"""The HTML reader on hand-made pages in the markup of common sites (tests/data/html)."""

from __future__ import annotations

import gzip
from datetime import date

import pytest

from searchkit.errors import SourceError
from searchkit.sources import SourceFile, format_for, read_source
from searchkit.sources.html import parse_html

from .conftest import DATA

HTML = DATA / "html"
CHROME = (
    "cookie",
    "Home",
    "Share",
    "Related",
    "Leave a Reply",
    "Post Comment",
    "Your email address",
    "All rights reserved",
    "Subscribe",
    "Reply",
    "says:",
    "Permalink",
    "Add new comment",
    "You may also like",
    "Load More",
    "2 years ago",
)


def read(name: str):
    return next(read_source(SourceFile(HTML / name, name)).articles)


def comments(article):
    return [(c.id, c.author, c.date, c.text) for c in article.comments]


def assert_no_chrome(article):
    for text in [article.body] + [c.text for c in article.comments]:
        for word in CHROME:
            assert word not in text, (word, text)
    for comment in article.comments:  # no comment is also body text
        assert comment.text.split("\n")[0] not in article.body


def test_wordpress_page_and_threaded_comments():
    article = read("wordpress.html")
    assert article.title == "Ferry Timetable Cut Leaves Island Commuters Stranded"
    assert (article.date, article.author) == (date(2023, 3, 14), "Maren Holt")
    assert article.url == "https://harbour-notes.example/2023/03/ferry-timetable-cut/"
    assert article.body.startswith("The regional ferry operator will run four crossings")
    assert article.body.endswith("gave no figure and no date for a decision.")
    assert article.body.count("\n\n") == 3 and "\n\n\n" not in article.body
    assert comments(article) == [
        (
            "wordpress.html#c1",
            "Tomas Lind",
            date(2023, 3, 14),
            "I work the early shift at the cannery. With the first crossing at nine I simply cannot get there.\n\n"
            "Who is going to pay for a room in town?",
        ),
        (
            "wordpress.html#c2",
            "Elin Berg",
            date(2023, 3, 15),
            "Same here. The council should have fought for the bridge.",
        ),
        ("wordpress.html#c3", "Ruth Okafor", date(2023, 3, 16), "Nine crossings were never enough in winter anyway."),
    ]
    assert_no_chrome(article)


def test_classic_wordpress_theme_site_name_h1_byline_and_moderation_note():
    """An older theme: the site name is the page's h1, the headline an h2 repeated in <title>, the
    byline a line of its own; comments in ol.commentlist with cite.fn and paragraphs beside the meta."""
    article = read("wordpress-classic.html")
    assert article.title == "Allotment Waiting List Reaches Ten Years"
    assert (article.date, article.author, article.url) == (date(2011, 4, 9), "Hal Whitby", None)
    assert article.body.startswith("The town's allotment waiting list now holds")
    assert article.body.endswith("had not been worked for two seasons.")
    assert comments(article) == [
        (
            "wordpress-classic.html#c1",
            "Marjorie Platt",
            date(2011, 4, 10),
            "I have been on the list since 2004.\n\nSplitting the plots is the only fair answer.",
        ),
        (
            "wordpress-classic.html#c2",
            "Dev Rao",
            date(2011, 4, 12),
            "The bowling green floods every winter, it would be no use for vegetables.",
        ),
    ]
    assert "moderation" not in article.comments[1].text and "Submit Comment" not in article.body
    assert_no_chrome(article)


def test_byline_and_dateline_lines_leave_the_body_but_sentences_stay():
    from searchkit.sources.html import _strip_head_lines

    assert _strip_head_lines("Headline\nApril 9th, 2011 by Hal Whitby\nText.", "Headline") == ("Text.", "Hal Whitby")
    assert _strip_head_lines("Posted on March 3, 2020 at 9:15 am\nText.", "T") == ("Text.", None)
    assert _strip_head_lines("By Anna Smith\nText.", "T") == ("Text.", "Anna Smith")
    kept = "The law was signed by President Lee\nThe vote is on March 3, 2024.\nText."
    assert _strip_head_lines(kept, "T") == (kept.replace("\n", "\n\n"), None)


def test_wpdiscuz_comments_without_votes_labels_or_time_ago():
    article = read("wpdiscuz.html")
    assert article.title == "Grain Silo Fire Sends Smoke Over Port District"
    assert (article.date, article.author) == (date(2022, 10, 3), "Jonas Pereira")
    assert article.url == "https://coastline-daily.example/grain-silo-fire/"
    assert article.body.startswith("A fire broke out in a grain silo")
    assert comments(article) == [
        (
            "wpdiscuz.html#c1",
            "Harbour Watcher",
            date(2022, 10, 3),
            "Third silo fire here in ten years. The dust extraction has been broken since the spring, "
            "ask anyone who works there.",
        ),
        ("wpdiscuz.html#c2", "Silva R.", date(2022, 10, 4), "It was repaired in August. Check before you post."),
        (
            "wpdiscuz.html#c3",
            "anna_k",
            date(2022, 10, 5),
            "My balcony was covered in black flakes.\n\nNobody from the port called us.",
        ),
    ]
    assert_no_chrome(article)


def test_drupal_comments_without_permalink_titles():
    article = read("drupal.html")
    assert article.title == "Village School Wins Fight Over Bus Route"
    assert article.date == date(2021, 11, 22)
    assert article.author is None  # trafilatura does not read Drupal's "Written by" field: a known limit
    assert article.url == "https://valley-chronicle.example/news/village-school-bus-route"
    assert comments(article) == [
        (
            "drupal.html#c1",
            "Gwen Morris",
            date(2021, 11, 22),
            "Well done to everyone who signed. That road is lethal in November.",
        ),
        (
            "drupal.html#c2",
            "Councillor D. Reyes",
            date(2021, 11, 23),
            "The review in two years is a formality. The route is safe.",
        ),
    ]
    assert "Well done parents" not in article.body and "The review\n" not in article.body
    assert_no_chrome(article)


def test_schema_org_microdata_comments():
    article = read("microdata.html")
    assert (article.title, article.date, article.author) == (
        "Orchard Frost Cuts Apple Harvest by a Third",
        date(2024, 5, 20),
        "Ilse Varga",
    )
    assert article.url == "https://fieldnotes.example/orchard-frost"
    assert comments(article) == [
        (
            "microdata.html#c1",
            "Bo Andersen",
            date(2024, 5, 21),
            "We lost nearly everything on the low field. The fans did nothing at minus four.",
        ),
        (
            "microdata.html#c2",
            "K. Mertens",
            date(2024, 5, 22),
            "Pears did better than apples on our side of the river.",
        ),
    ]
    assert "likes" not in article.body
    assert_no_chrome(article)


def test_json_ld_comments_with_nested_replies_in_page_order():
    article = read("json-ld.html")
    assert (article.title, article.date, article.author) == (
        "Night Trains Return to the Northern Line",
        date(2023, 9, 8),
        "Oskar Dahl",
    )
    assert article.url == "https://railweekly.example/night-trains-return"
    assert article.body.startswith("The overnight service between the capital")
    assert comments(article) == [
        (
            "json-ld.html#c1",
            "Liv Strand",
            date(2023, 9, 8),
            "Finally. I used to take the sleeper to my grandmother's every Christmas.",
        ),
        ("json-ld.html#c2", "Night Owl", date(2023, 9, 9), "Book early, the couchettes sell out fast."),
        (
            "json-ld.html#c3",
            "Per Aune",
            date(2023, 9, 10),
            "Forty euros for a seat that does not recline is not a sleeper service.",
        ),
    ]
    assert_no_chrome(article)


def test_page_without_comment_section_has_no_comments():
    article = read("no-comments.html")
    assert article.title == "Dairy Cooperative Raises Milk Price for Farmers"
    assert article.date == date(2020, 6, 2)
    assert article.url is None and article.author is None
    assert article.comments == []
    assert article.body.startswith("The country's largest dairy cooperative")
    assert article.body.endswith("would depend on demand in the autumn.")
    assert_no_chrome(article)


def test_gzipped_page_reads_the_same(tmp_path):
    target = tmp_path / "wordpress.html.gz"
    target.write_bytes(gzip.compress((HTML / "wordpress.html").read_bytes()))
    article = next(read_source(SourceFile(target, "w.html.gz")).articles)
    assert article.title == read("wordpress.html").title and len(article.comments) == 3


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.html", "HTML"),
        ("a.HTM", "HTML"),
        ("a.html.gz", "HTML"),
        ("a.warc.gz", "WARC"),
        ("a.warc", "WARC"),
        ("a", "scraped text"),
    ],
)
def test_reader_table_maps_names_to_formats(name, expected, tmp_path):
    assert format_for(tmp_path / name).name == expected


def test_reader_table_rejects_other_gzip_files(tmp_path):
    assert format_for(tmp_path / "a.tar.gz") is None and format_for(tmp_path / "a.txt.gz") is None


LEGACY = [
    ("cp1251", "Мэр открыл новый мост через реку после двух лет ремонта, и жители района наконец смогли вернуться."),
    ("cp1252", "Le café du théâtre a rouvert ses portes après l'été, avec une crêpe « maison » très appréciée."),
    ("latin-1", "Die Brücke über den Fluss ist nach zwei Jahren Bauzeit für Fußgänger wieder geöffnet worden."),
]


@pytest.mark.parametrize(("encoding", "text"), LEGACY)
@pytest.mark.parametrize("declared", [True, False])
def test_legacy_encodings_decode_as_browsers_do(encoding, text, declared):
    meta = f'<meta charset="{encoding}">' if declared else ""
    page = f"<html><head>{meta}<title>T</title></head><body><h1>Headline</h1><p>{text}</p><p>{text}</p></body></html>"
    article = parse_html(page.encode(encoding), "x", where="x.html")
    assert text in article.body


def test_binary_data_is_not_a_page():
    with pytest.raises(SourceError, match="binary data"):
        parse_html(bytes(range(256)) * 40, "x", where="x.html")


def test_short_page_keeps_no_navigation_or_site_footer():
    page = (
        b"<html><head><title>Notice</title></head><body><nav><a href='/'>Home</a></nav>"
        b"<p>The office is closed on Monday.</p><footer>Copyright Town Hall</footer></body></html>"
    )
    article = parse_html(page, "notice.html", where="notice.html")
    assert (article.title, article.body) == ("Notice", "The office is closed on Monday.")


def test_a_form_or_cookie_wrapper_around_the_whole_page_is_not_cut():
    """ASP.NET pages sit in one <form>; some themes mark a page wrapper has-cookie-bar."""
    sentence = "The harbour board met on Tuesday to discuss the dredging plan for the outer basin."
    page = (
        '<html><body><form id="form1"><div class="has-cookie-bar"><h1>Dredging Plan</h1>'
        f"<p>{' '.join([sentence] * 30)}</p></div></form></body></html>"
    )
    article = parse_html(page.encode(), "asp.html", where="asp.html")
    assert article.title == "Dredging Plan"
    assert article.body == " ".join([sentence] * 30)


def test_gzip_with_several_members_reads_them_all_and_a_truncated_one_is_named(tmp_path):
    page = (HTML / "no-comments.html").read_bytes()
    middle = page.index(b"Farmers' groups")
    target = tmp_path / "two-members.html.gz"
    target.write_bytes(gzip.compress(page[:middle]) + gzip.compress(page[middle:]))
    assert next(read_source(SourceFile(target, "t.html.gz")).articles).body == read("no-comments.html").body
    cut = tmp_path / "cut.html.gz"
    cut.write_bytes(gzip.compress(page)[:-30])
    with pytest.raises(SourceError, match="truncated file"):
        read_source(SourceFile(cut, "cut.html.gz"))


def test_paragraphs_are_separated_by_a_blank_line_as_in_scraped_pages():
    """One body model for every format: the same article as a scraped page and as HTML
    has the same body and comment text (paragraphs separated by a blank line)."""
    from searchkit.sources.scraped import parse_scraped

    first, second = "The quay wall was rebuilt over the winter.", "Fishing boats moor there again from Monday."
    scraped = parse_scraped(
        f"Quay Wall Rebuilt\n\n{first}\n\n{second}\n\nComments\n\nIvo\nMarch 3, 2024\n{first}\n\n{second}\n", "q"
    )
    html = (
        "<html><head><title>Quay Wall Rebuilt</title></head><body><article><h1>Quay Wall Rebuilt</h1>"
        f"<p>{first}</p><p>{second}</p></article><ol class='comment-list'><li class='comment'>"
        "<div class='comment-author'><cite class='fn'>Ivo</cite></div>"
        f"<div class='comment-content'><p>{first}</p><p>{second}</p></div></li></ol></body></html>"
    )
    from searchkit.sources.html import parse_html

    page = parse_html(html.encode(), "q.html", where="q.html")
    assert page.body == scraped.body == f"{first}\n\n{second}"
    assert page.comments[0].text == scraped.comments[0].text == f"{first}\n\n{second}"
