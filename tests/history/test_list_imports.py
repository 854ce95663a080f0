"""Letterboxd's lists come in with its export: previewed (each list, its films, how many the
catalog matched, how many come in), made with their names, descriptions, order, ranking and
notes, matched to catalog films like the diary's; importing the same export again changes
nothing; the limits on lists refuse the import with a message, writing nothing of its lists."""

import re

from history_support import LETTERBOXD_HEADER, csv_bytes, import_file, settled, zipped
from httpx import ASGITransport, AsyncClient
from sqlalchemy import select
from support import Visitor, text_of, texts_of_class

from flicklist.catalog.imdb_files import BASICS_COLUMNS
from flicklist.catalog.load import load_catalog
from flicklist.history.readers import list_item
from flicklist.tables import films


def a_list(name: str, films: list[tuple[str, str, str, str]], description: str = "") -> bytes:
    """A list as Letterboxd exports it: (position, title, year, note) for each film."""
    own = csv_bytes(
        ["Date", "Name", "Tags", "URL", "Description"], [["2023-11-01", name, "", "https://boxd.it/l", description]]
    )
    rows = csv_bytes(
        ["Position", "Name", "Year", "URL", "Description"],
        [[*film[:3], "https://boxd.it/f", film[3]] for film in films],
    )
    return b"Letterboxd list export v7\r\n" + own + b"\r\n" + rows


def an_export() -> bytes:
    return zipped(
        {
            "watched.csv": csv_bytes(LETTERBOXD_HEADER, [["2024-01-01", "Heat", "1995", "x"]]),
            "lists/noirvember.csv": a_list(
                "Noirvember",
                [
                    ("1", "Double Indemnity", "1944", ""),
                    ("2", "Heat", "1995", "Not noir, but."),
                    ("3", "Laura", "1944", ""),
                ],
                description="Shadows, rain.\nEvery year.",
            ),
            "lists/to-show-my-kids.csv": a_list(
                "To show my kids", [("", "Alien", "1979", ""), ("", "Brazil", "1985", "")]
            ),
            "deleted/lists/old.csv": a_list("Old", [("1", "Heathers", "1988", "")]),
        }
    )


async def test_an_exports_lists_are_previewed_and_come_in_with_their_order_and_notes(user, catalog):
    preview = await import_file(user, "letterboxd.zip", an_export(), apply=False)
    assert "Your lists: 2 to make, 0 already here" in preview
    # Each list's row: its films, how many the catalog matched (of these, Heat alone), how many come in.
    assert "Noirvember313" in preview and "To show my kids202" in preview
    assert "1 file of Letterboxd's deleted/ and orphaned/ folders" in preview
    done = await import_file(user, "letterboxd.zip", an_export())
    assert "Imported" in done and "Noirvember313" in done
    lists = text_of((await user.get("/lists")).text)
    assert "Noirvember" in lists and "3 films · 1 of 3 seen" in lists and "To show my kids" in lists
    noir_id = re.search(r'href="/lists/(\d+)">Noirvember<', (await user.get("/lists")).text).group(1)
    page = (await user.get(f"/lists/{noir_id}")).text
    assert texts_of_class(page.split('class="list-entries', 1)[1], "title") == ["Double Indemnity", "Heat", "Laura"]
    assert "Shadows, rain.\nEvery year." in page and ">Not noir, but.</p>" in page and '<span class="rank"' in page
    assert f'href="/films/{catalog["tt0000101"]}"' in page, "Heat (1995) is the catalog's film, as on the diary"


async def test_the_same_export_again_changes_no_list(user, catalog):
    await import_file(user, "letterboxd.zip", an_export())
    again = await import_file(user, "letterboxd.zip", an_export(), apply=False)
    assert "Your lists: 0 to make, 2 already here" in again and "Noirvember already here310" in again
    await import_file(user, "letterboxd.zip", an_export())
    lists = text_of((await user.get("/lists")).text)
    assert lists.count("Noirvember") == 1 and "3 films" in lists and "2 films" in lists


async def test_past_the_limit_on_lists_the_preview_says_so_and_nothing_comes_in(make_settings_app, catalog):
    app = await make_settings_app(max_lists_per_user="1")
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver") as client:
        ann = Visitor(client)
        await ann.register("ann@example.com")
        await ann.get("/")
        job_url = (await ann.upload("/account/import", "letterboxd.zip", an_export())).headers["location"]
        preview = await settled(ann, job_url)
        assert "Not imported" in preview and "Import" not in preview.split("Not imported", 1)[1].split("Back", 1)[0]
        assert "This import would bring you to 2 lists; this FlickList keeps at most 1." in preview
        assert "No lists yet" in (await ann.get("/lists")).text
        assert (await ann.post(f"{job_url}/apply")).status_code in (303, 409)
        assert "No lists yet" in (await ann.get("/lists")).text


async def test_a_zip_of_lists_alone_comes_in(user, catalog):
    lists_only = zipped({"lists/noirvember.csv": a_list("Noirvember", [("1", "Laura", "1944", "")])})
    await import_file(user, "lists.zip", lists_only)
    assert "Noirvember" in text_of((await user.get("/lists")).text)


async def test_two_lists_of_one_name_stay_two_when_the_export_comes_back(user, catalog):
    for film in ("Alpha", "Beta"):
        made = await user.post("/lists", {"name": "Top", "description": ""})
        await user.post(f"{made.headers['location']}/films", {"title": film})
    exported = (await user.get("/account/export.zip")).content
    preview = await import_file(user, "flicklist-export.zip", exported, apply=False)
    assert "Your lists: 0 to make, 2 already here" in preview and "Top already here100" in preview
    await import_file(user, "flicklist-export.zip", exported)
    assert text_of((await user.get("/lists")).text).count("1 film ·") == 2, "each Top keeps its one film"


async def test_lists_of_one_name_keep_their_films_when_one_deleted_and_undone_comes_back(user, catalog, clock):
    made = []
    for film in ("Alpha", "Beta"):
        made.append((await user.post("/lists", {"name": "Dup", "description": ""})).headers["location"])
        await user.post(f"{made[-1]}/films", {"title": film})
        clock.tick(2)
    deleted = await user.post(f"{made[0]}/delete")
    undo = re.search(r'name="undo" value="([^"]+)"', (await user.get(deleted.headers["location"])).text).group(1)
    assert (await user.post("/lists/restore", {"undo": undo})).status_code == 303, "back, under a new id"
    exported = (await user.get("/account/export.zip")).content
    await import_file(user, "flicklist-export.zip", exported)
    assert text_of((await user.get("/lists")).text).count("1 film ·") == 2, "each Dup keeps its one film"


async def test_an_exported_list_brings_back_the_very_catalog_films_it_held(app, user, tmp_path):
    twins = [("tt9000001", "Again", "2010"), ("tt9000002", "Again", "2010"), ("tt9000003", "Nameless", "\\N")]
    basics = tmp_path / "title.basics.tsv"
    lines = [f"{imdb}\tmovie\t{title}\t{title}\t0\t{year}\t\\N\t90\tDrama" for imdb, title, year in twins]
    basics.write_text("\t".join(BASICS_COLUMNS) + "\n" + "\n".join(lines) + "\n")
    await load_catalog(app.state.db, basics)
    async with app.state.db.engine.connect() as connection:
        ids = dict((await connection.execute(select(films.c.imdb_id, films.c.id))).all())
    made = (await user.post("/lists", {"name": "Twins", "description": "", "ranked": "on"})).headers["location"]
    for imdb, title, _ in twins:
        await user.post(f"{made}/films", {"film": str(ids[imdb]), "title": title})
    exported = (await user.get("/account/export.zip")).content

    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver") as browser:
        bob = Visitor(browser)
        await bob.register("bob@example.com")
        await import_file(bob, "flicklist-export.zip", exported)
        their_list = re.search(r'href="(/lists/\d+)">Twins<', (await bob.get("/lists")).text).group(1)
        page = (await bob.get(their_list)).text
        assert [f'href="/films/{ids[imdb]}"' in page for imdb, _, _ in twins] == [True, True, True]
        again = await import_file(bob, "flicklist-export.zip", exported, apply=False)
        assert "Twins already here330" in again, "3 films, the 3 matched, none coming in"


async def test_a_list_file_name_too_long_to_keep_is_refused_on_upload(user, catalog):
    long_name = zipped({f"lists/{'s' * 400}.csv": a_list("Long", [("1", "Laura", "1944", "")])})
    response = await user.upload("/account/import", "lists.zip", long_name)
    assert response.status_code == 422 and "the list's file name or id is too long to keep" in text_of(response.text)
    assert "Long" not in text_of((await user.get("/lists")).text)


async def test_titles_whose_keys_grow_past_their_columns_come_in_whole(user, catalog):
    long_titles = [("1", "Q" * 197, "1999", ""), ("2", "ß" * 150, "", ""), ("3", "㎯" * 100, "", "")]
    await import_file(user, "lists.zip", zipped({"lists/long.csv": a_list("Long titles", long_titles)}))
    their_list = re.search(r'href="(/lists/\d+)">Long titles<', (await user.get("/lists")).text).group(1)
    page = text_of((await user.get(their_list)).text)
    assert all(title in page for _, title, _, _ in long_titles)
    assert (await user.add("㎯" * 100)).status_code == 303, "typed on the watchlist too"


async def test_an_empty_zip_is_refused_as_holding_nothing_to_import(user):
    response = await user.upload("/account/import", "e.zip", zipped({}))
    assert response.status_code == 422 and "e.zip: no file FlickList imports is in this ZIP." in text_of(response.text)


async def test_a_line_broken_by_a_lone_carriage_return_stays_broken(user, catalog):
    mac = (
        b"Letterboxd list export v7\r\nDate,Name,Tags,URL,Description\r\n"
        b'2023-11-01,Mac,,,"Line one\rLine two"\r\n\r\nPosition,Name,Year,URL,Description\r\n1,Laura,1944,,\r\n'
    )
    await import_file(user, "l.zip", zipped({"lists/mac.csv": mac}))
    their_list = re.search(r'href="(/lists/\d+)">Mac<', (await user.get("/lists")).text).group(1)
    assert "Line one\nLine two" in (await user.get(their_list)).text


def test_only_an_imdb_url_of_ascii_digits_is_read_as_the_films_id():
    header = ["Position", "Name", "Year", "URL", "Description"]
    for url, found in (
        ("https://www.imdb.com/title/tt0113277/", "tt0113277"),
        ("https://www.imdb.com/title/tt²/", None),
        ("https://www.imdb.com/title/tt\uff11\uff12/", None),  # fullwidth digits
        ("https://boxd.it/2bg8", None),
    ):
        _, item = list_item("m.csv, line 5", header, ["1", "Heat", "1995", url, ""])
        assert item.imdb_id == found, url
