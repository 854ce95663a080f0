"""Reading an uploaded history file: every export FlickList knows comes in as entries, what the
file holds that does not come in is counted, and a file it cannot read, or one past the cap, is
refused with a sentence a person can act on. Memory bounded whatever the file unpacks to:
test_reading_in_bounded_memory.py."""

import io
import zipfile

import pytest
from history_support import LETTERBOXD_HEADER, csv_bytes, letterboxd_export, zipped
from test_import_export import BAD_FILES, IMDB_LIST_COLUMNS, IMDB_RATINGS_COLUMNS, imdb_csv

from flicklist.history.readers import ListItem, ListRead, Unreadable, left_out_phrases
from flicklist.history.uploads import read_upload

CAP = 100_000
WHAT_FLICKLIST_READS = (
    "FlickList imports a Letterboxd export (the ZIP, or its diary, watched, ratings, reviews or watchlist CSV), "
    "an IMDb ratings or list CSV, a Trakt export (the ZIP or its JSON files), or a FlickList export."
)
DIARY_HEADER = [*LETTERBOXD_HEADER, "Rating", "Rewatch", "Tags", "Watched Date"]
MB = 1024 * 1024


def refusal(name: str, content: bytes, max_entries: int = CAP) -> str:
    with pytest.raises(Unreadable) as refused:
        read_upload(name, content, max_entries)
    return str(refused.value)


def a_real_diary(rows: int) -> bytes:
    """A Letterboxd diary.csv as its export writes it: films of many titles and years, a rating
    on most rows, a rewatch now and then, tags on some."""
    return csv_bytes(
        DIARY_HEADER,
        [
            [
                f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                f"A Film Called Number {n}",
                str(1920 + n % 100),
                f"https://boxd.it/{n:x}",
                ["", "2", "3.5", "4", "4.5", "5"][n % 6],
                "Yes" if n % 9 == 0 else "",
                "cinema, friends" if n % 5 == 0 else "",
                f"20{10 + n % 14}-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
            ]
            for n in range(rows)
        ],
    )


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES)
def test_the_files_refused_before_are_refused_with_the_same_where_and_why(name, content, message):
    assert message in refusal(name, content)


def test_a_letterboxd_export_reads_as_before_and_its_trash_stays_out():
    export = letterboxd_export(
        watchlist=[("2024-01-01", "Dune", "2021")],
        diary=[("2024-02-01", "Heat", "1995", "4", "", "crime", "2024-01-31")],
        reviews=[("2024-03-01", "Heat", "1995", "4.5", "Yes", "Better on a big screen.", "", "2024-02-28")],
        deleted_diary=[("2024-03-05", "Heathers", "1988", "2", "", "", "2024-03-05")],
    )
    reading = read_upload("letterboxd-ann.zip", export, CAP)
    assert [(entry.title, entry.watched) for entry in reading.entries] == [
        ("Dune", False),
        ("Heat", True),
        ("Heat", True),
    ]
    assert reading.entries[2].viewings[0].review == "Better on a big screen."
    assert reading.entries[2].where == "reviews.csv, line 2"


def test_an_import_of_more_entries_than_the_cap_is_refused_naming_the_cap():
    diary = a_real_diary(11)
    assert len(read_upload("diary.csv", diary, 11).entries) == 11
    assert refusal("diary.csv", diary, 10) == (
        "diary.csv holds more than 10 entries, the most FlickList imports at once."
    )


def test_reviews_kept_at_four_bytes_a_character_are_bounded_like_the_file():
    review = "A long one 🎬 " + "x" * 19_000
    rows = [["2024-01-01", f"Film {n}", "2000", "x", "4", "", review, "", "2024-01-01"] for n in range(200)]
    reviews = csv_bytes([*LETTERBOXD_HEADER, "Rating", "Rewatch", "Review", "Tags", "Watched Date"], rows)
    assert len(reviews) < 4 * MB, "the file itself is small"
    assert refusal("reviews.csv", reviews, 1_000) == (
        "reviews.csv: its titles, reviews, notes and tags come to more than 10 MB, "
        "more than 1,000 entries (the most FlickList imports at once) may hold."
    )
    assert len(read_upload("reviews.csv", reviews, CAP).entries) == 200


NOT_FLICKLIST = [
    ("trakt.json", b'{"movies": [{"title": "Heat", "year": 1995}]}'),
    ("watched.json", b'[{"title": "Heat"}, {"title": "Alien"}]'),
    ("broken.json", b'{"movies": [{"title": "Heat" "year": 1995}]}'),
    ("movies.csv", b"Film,Stars,Seen\nHeat,5,yes\n"),
    ("poster.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\xff\xd8"),
    ("export.zip", zipped({"movies.json": b'{"movies": []}'})),
]


@pytest.mark.parametrize(("name", "content"), NOT_FLICKLIST)
def test_a_file_from_elsewhere_is_refused_naming_what_flicklist_reads(name, content):
    message = refusal(name, content)
    assert message.startswith(name) and message.endswith(WHAT_FLICKLIST_READS)
    assert "expected" not in message and "parse error" not in message


# A list as Letterboxd writes it: its banner, its own row (a description with a quoted comma
# and a line break), a blank line, its films (a note over two lines; one without a year).
A_RANKED_LIST = (
    "Letterboxd list export v7\r\n"
    "Date,Name,Tags,URL,Description\r\n"
    '2023-11-01,Noirvember,"noir, classics",https://boxd.it/n,"Shadows, rain.\nEvery year."\r\n'
    "\r\n"
    "Position,Name,Year,URL,Description\r\n"
    '2,Laura,1944,https://boxd.it/b,"The portrait.\nThe twist."\r\n'
    "1,Double Indemnity,1944,https://boxd.it/a,\r\n"
    "3,The Third Man,,https://boxd.it/c,\r\n"
)


def test_a_letterboxd_list_reads_with_its_description_order_and_notes():
    (read,) = read_upload("noirvember.csv", A_RANKED_LIST.encode(), CAP).lists
    assert read == ListRead(
        "Noirvember",
        "Shadows, rain.\nEvery year.",
        True,
        "letterboxd:noirvember",
        (
            ListItem("Double Indemnity", 1944, ""),
            ListItem("Laura", 1944, "The portrait.\nThe twist."),
            ListItem("The Third Man", None, ""),
        ),
    )


def test_an_unranked_letterboxd_list_keeps_the_files_order_and_an_empty_one_reads():
    unranked = A_RANKED_LIST.replace("\r\n2,", "\r\n,").replace("\r\n1,", "\r\n,").replace("\r\n3,", "\r\n,")
    (read,) = read_upload("noirvember.csv", unranked.encode(), CAP).lists
    assert not read.ranked and [item.title for item in read.items] == ["Laura", "Double Indemnity", "The Third Man"]
    empty = b"Letterboxd list export v7\nDate,Name,Tags,URL,Description\n2024-01-01,Faves,,https://boxd.it/x,\n"
    assert read_upload("faves.csv", empty, CAP).lists == (ListRead("Faves", "", False, "letterboxd:faves", ()),)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("2,Laura,1944", "second,Laura,1944"), "noirvember.csv, line 8: the position 'second' is not a whole number"),
        (("Position,Name,Year", "Rank,Film,Year"), "noirvember.csv, line 6: the films' columns are not Letterboxd's."),
        ((",Noirvember,", ",,"), "noirvember.csv, line 4: A list needs a name."),
        (("1,Double Indemnity,1944", "1,Double Indemnity,19444"), "noirvember.csv, line 9: the year '19444'"),
    ],
)
def test_a_broken_letterboxd_list_is_refused_saying_where(change, message):
    assert refusal("noirvember.csv", A_RANKED_LIST.replace(*change).encode()).startswith(message)


def test_a_damaged_flicklist_export_says_where_it_breaks_and_a_whole_one_reads_in_any_key_order():
    entry = '{"title": "Heat", "year": 1995, "imdb_id": null, "list": "watchlist", "rating": null, '
    entry += '"added_at": "2024-01-01T10:00:00Z", "watched_at": null, "viewings": []}'
    damaged = f'{{"format": "FlickList export", "version": 1, "entries": [{entry}, {entry}, {{"title" "Alien"'
    assert refusal("flicklist.json", damaged.encode()) == (
        "flicklist.json: this export is damaged after entry 2 (it is not JSON there)."
    )
    keys_sorted = f'{{"entries": [{entry}], "format": "FlickList export", "version": 1}}'
    assert [entry.title for entry in read_upload("flicklist.json", keys_sorted.encode(), CAP).entries] == ["Heat"]
    with_bom = "\ufeff" + keys_sorted
    assert [entry.title for entry in read_upload("flicklist.json", with_bom.encode(), CAP).entries] == ["Heat"]


def a_real_letterboxd_export() -> bytes:
    """Every file a Letterboxd export holds: the five imported, its profile, two lists (each its
    own CSV, after the list's own header), likes of films and reviews, comments (one over two
    lines), and its trash (deleted/) and orphaned entries, which nobody sees."""
    uri = "https://boxd.it/abc"
    a_list = (
        "Letterboxd list export v7\r\nDate,Name,Tags,URL,Description\r\n"
        "2023-05-01,{name},,https://boxd.it/l1,\r\n\r\nPosition,Name,Year,URL,Description\r\n"
        "1,Heat,1995,https://boxd.it/abc,\r\n2,Alien,1979,https://boxd.it/def,\r\n"
    )
    return zipped(
        {
            "profile.csv": b"Date Joined,Username,Given Name,Family Name,Email Address,Location,Website,Bio,"
            b"Pronoun,Favorite Films\n2020-01-01,ann,Ann,,ann@example.com,,,,She / her,\n",
            "watchlist.csv": csv_bytes(LETTERBOXD_HEADER, [["2024-01-01", "Dune", "2021", uri]]),
            "watched.csv": csv_bytes(LETTERBOXD_HEADER, [["2024-02-01", "Heat", "1995", uri]]),
            "ratings.csv": csv_bytes([*LETTERBOXD_HEADER, "Rating"], [["2024-02-01", "Heat", "1995", uri, "4"]]),
            "diary.csv": csv_bytes(DIARY_HEADER, [["2024-02-01", "Heat", "1995", uri, "4", "", "", "2024-01-31"]]),
            "reviews.csv": csv_bytes(
                [*LETTERBOXD_HEADER, "Rating", "Rewatch", "Review", "Tags", "Watched Date"],
                [["2024-02-01", "Heat", "1995", uri, "4", "", "Great.", "", "2024-01-31"]],
            ),
            "comments.csv": csv_bytes(
                ["Date", "Content", "Comment"],
                [["2024-03-01", "https://boxd.it/r1", "So true.\nAnd funny."], ["2024-03-02", uri, "Agreed."]],
            ),
            "likes/films.csv": csv_bytes(LETTERBOXD_HEADER, [["2024-02-01", "Heat", "1995", uri]] * 3),
            "likes/reviews.csv": csv_bytes(["Date", "Content"], [["2024-02-02", "https://boxd.it/r2"]]),
            "lists/favourites.csv": a_list.format(name="Favourites").encode(),
            "lists/to-show-my-kids.csv": a_list.format(name="To show my kids").encode(),
            "deleted/diary.csv": csv_bytes(DIARY_HEADER, [["2024-03-05", "Heathers", "1988", uri, "", "", "", ""]]),
            "deleted/lists/old.csv": a_list.format(name="Old").encode(),
            "orphaned/diary.csv": csv_bytes(DIARY_HEADER, []),
        }
    )


def test_what_a_letterboxd_export_holds_that_does_not_come_in_is_counted():
    reading = read_upload("letterboxd-ann-2024.zip", a_real_letterboxd_export(), CAP)
    assert len(reading.entries) == 8 and "Heathers" not in {entry.title for entry in reading.entries}
    liked = [(entry.title, entry.watched, entry.liked_at) for entry in reading.entries if entry.liked_at]
    assert liked == [("Heat", True, 1706745600)] * 3, "likes/films.csv: films liked (and so watched) on 1 Feb 2024"
    assert [(read.name, len(read.items)) for read in reading.lists] == [("Favourites", 2), ("To show my kids", 2)]
    assert reading.left_out == {"profile": 1, "trash": 3, "likes": 1, "comments": 2}
    assert left_out_phrases(reading.left_out) == [
        "3 files of Letterboxd's deleted/ and orphaned/ folders",
        "1 like of a review or a list",
        "2 comments",
        "your Letterboxd profile",
    ]
    assert left_out_phrases({"trash": 1, "likes": 1, "comments": 1, "not_films": 1}) == [
        "1 file of Letterboxd's deleted/ and orphaned/ folders",
        "1 like of a review or a list",
        "1 comment",
        "1 TV series, episode or game",
    ]


def test_imdb_series_episodes_and_games_stay_out_and_are_counted_in_either_layout():
    rated = {"Your Rating": "8", "Date Rated": "2024-05-01"}
    titles = [
        ("tt0000101", "Heat", "Movie"),
        ("tt0000901", "Breaking Bad", "TV Series"),
        ("tt0000902", "Ozymandias", "TV Episode"),
        ("tt0000903", "Chernobyl", "TV Mini Series"),
        ("tt0000904", "Red Dead Redemption", "Video Game"),
        ("tt0000905", "Serial", "Podcast Series"),
        ("tt0000106", "Duel", "TV Movie"),
        ("tt0000107", "La Jetée", "Short"),
        ("tt0000108", "A Christmas Special", "TV Special"),
        ("tt0000109", "Behind the Scenes", "Video"),
    ]
    ratings = imdb_csv(
        IMDB_RATINGS_COLUMNS,
        [
            {**rated, "Const": const, "Title": title, "Title Type": kind, "Year": "2000"}
            for const, title, kind in titles
        ],
    )
    reading = read_upload("ratings.csv", ratings, CAP)
    assert [entry.title for entry in reading.entries] == [
        "Heat",
        "Duel",
        "La Jetée",
        "A Christmas Special",
        "Behind the Scenes",
    ]
    assert reading.left_out == {"not_films": 5}
    assert left_out_phrases(reading.left_out) == ["5 TV series, episodes or games"]
    # The layout before 2024: no Original Title, and the types written as IMDb's datasets write them.
    older_columns = [column for column in IMDB_LIST_COLUMNS if column != "Original Title"]
    listed = {"Created": "2024-01-01", "Year": "2000"}
    older = imdb_csv(
        older_columns,
        [
            {**listed, "Position": "1", "Const": "tt0000101", "Title": "Heat", "Title Type": "movie"},
            {**listed, "Position": "2", "Const": "tt0000901", "Title": "Breaking Bad", "Title Type": "tvSeries"},
            {**listed, "Position": "3", "Const": "tt0000903", "Title": "Chernobyl", "Title Type": "tvMiniSeries"},
            {**listed, "Position": "4", "Const": "tt0000106", "Title": "Duel", "Title Type": "tvMovie"},
        ],
    )
    reading = read_upload("watchlist.csv", older, CAP)
    assert [entry.title for entry in reading.entries] == ["Heat", "Duel"]
    assert reading.left_out == {"not_films": 2}


@pytest.mark.slow
def test_a_file_of_empty_lines_is_refused_by_its_count_of_lines_before_it_keeps_the_reader_busy():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("watched.csv", "w") as file:
        file.write(b"Date,Name,Year,Letterboxd URI\n")
        for _ in range(60):
            file.write(b"\n" * MB)
    message = refusal("empty.zip", out.getvalue())
    assert message == (
        "empty.zip: it holds more than 1,000,000 lines, more than an export of 100,000 entries "
        "(the most FlickList imports at once) needs; not imported."
    )
