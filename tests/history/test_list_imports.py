"""Letterboxd's lists come in with its export: previewed (each list, its films, how many the
catalog matched, how many come in), made with their names, descriptions, order, ranking and
notes, matched to catalog films like the diary's; importing the same export again changes
nothing; the limits on lists refuse the import with a message, writing nothing of its lists."""

import re

from history_support import LETTERBOXD_HEADER, csv_bytes, import_file, settled, zipped
from httpx import ASGITransport, AsyncClient
from support import Visitor, text_of, texts_of_class


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
