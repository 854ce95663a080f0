"""Imports as a shared instance runs them: one at a time per account however the uploads race,
a bounded number read at once, a few finished ones kept, a file past the cap or unreadable
answered on the upload form, an import stopped halfway taken up again without doubles, and a
film not in the catalog keeping the IMDb id its file gave it."""

import asyncio
import re

import pytest
from history_support import (
    LETTERBOXD_HEADER,
    a_diary,
    a_watchlist,
    changes_written,
    counted,
    csv_bytes,
    export_document,
    films_on_watchlist,
    import_file,
    settled,
    written_at_least,
    zipped,
)
from httpx import ASGITransport, AsyncClient
from support import Visitor, text_of, texts_of_class

from flicklist.history.jobs import KEPT_JOBS

IMDB_RATINGS_HEADER = ["Const", "Your Rating", "Date Rated", "Title", "Title Type", "Year"]


async def newcomer(make_visitor, email: str) -> Visitor:
    visitor = await make_visitor()
    await visitor.register(email)
    await visitor.get("/")
    return visitor


def upload_error(page: str) -> str:
    """The message beside the upload form's file field."""
    assert 'name="file" type="file"' in page, "the upload form is there to try again"
    [message] = texts_of_class(page, "field-error")
    return message


async def test_racing_uploads_from_one_account_start_one_import_and_the_others_are_told_why(user):
    uploads = [user.upload("/account/import", "watchlist.csv", a_watchlist(3_000)) for _ in range(4)]
    responses = await asyncio.gather(*uploads)
    assert sorted(response.status_code for response in responses) == [303, 409, 409, 409]
    for response in responses:
        if response.status_code == 409:
            assert upload_error(response.text) == (
                "An import is already running; wait for it to finish, then try again. Nothing was imported."
            )
    [started] = [response.headers["location"] for response in responses if response.status_code == 303]
    assert counted(await settled(user, started))["to_watchlist"] == 3_000


async def test_uploads_past_what_the_instance_reads_at_once_are_asked_to_come_back(make_settings_app):
    app = await make_settings_app(imports_at_once="1")
    people = []
    for number in range(3):
        person = Visitor(AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver"))
        await person.register(f"reader{number}@example.com")
        await person.get("/")
        people.append(person)
    uploads = [person.upload("/account/import", "watchlist.csv", a_watchlist(20_000)) for person in people]
    responses = await asyncio.gather(*uploads)
    statuses = [response.status_code for response in responses]
    assert 303 in statuses and 503 in statuses and set(statuses) == {303, 503}, statuses
    for person, response in zip(people, responses, strict=True):
        if response.status_code == 503:
            assert response.headers["retry-after"] == "60"
            assert upload_error(response.text).startswith("FlickList is reading other uploads just now")
            again = await person.upload("/account/import", "watchlist.csv", a_watchlist(10))
            assert again.status_code == 303, "nothing of the refused upload holds the account's slot"
        await person.client.aclose()


async def test_an_account_keeps_its_five_latest_finished_imports(user):
    job_urls = []
    for number in range(KEPT_JOBS + 2):
        response = await user.upload("/account/import", "watchlist.csv", a_watchlist(1, first=number))
        job_urls.append(response.headers["location"])
        await settled(user, job_urls[-1])
    found = [(await user.get(url)).status_code for url in job_urls]
    assert found == [404] + [200] * (KEPT_JOBS + 1), "the oldest went when the newest started"


async def test_a_file_of_more_entries_than_the_cap_is_refused_on_the_upload_form(make_settings_app):
    app = await make_settings_app(max_import_entries="100")
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver") as client:
        person = Visitor(client)
        await person.register("capped@example.com")
        await person.get("/")
        response = await person.upload("/account/import", "watchlist.csv", a_watchlist(101))
        assert response.status_code == 422
        assert "more than 100 entries" in upload_error(response.text)
        assert (await person.upload("/account/import", "watchlist.csv", a_watchlist(100))).status_code == 303


async def test_a_file_flicklist_cannot_read_comes_back_on_the_upload_form_with_what_it_reads(user):
    other_service = b'{"service": "another one", "films": [{"name": "Heat"}]}'
    response = await user.upload("/account/import", "export.json", other_service)
    assert response.status_code == 422
    assert "<title>Import a film history" in response.text, "a page of the app, not a bare error"
    message = upload_error(response.text)
    assert "Nothing was imported." in message
    assert 'aria-describedby="history-file-hint history-file-error"' in response.text
    fragment = await user.client.post(
        "/account/import",
        data={"csrf_token": user.csrf_token},
        files={"file": ("export.json", other_service)},
        headers=Visitor.htmx_headers(),
    )
    assert fragment.status_code == 422
    assert fragment.text.startswith('<section id="history-card"') and upload_error(fragment.text) == message
    assert (await user.get("/account/import")).status_code == 200, "the form's own address is a page too"


async def test_a_film_not_in_the_catalog_keeps_its_imdb_id_through_an_export_and_back(user, make_visitor, catalog):
    ratings = csv_bytes(
        IMDB_RATINGS_HEADER,
        [
            ["tt7777777", "8", "2024-03-01", "A Film No Catalog Has", "Movie", "2019"],
            ["tt0000101", "9", "2024-03-02", "Heat", "Movie", "1995"],
        ],
    )
    await import_file(user, "ratings.csv", ratings)
    exported = await export_document(user)
    assert {entry["title"]: entry["imdb_id"] for entry in exported} == {
        "A Film No Catalog Has": "tt7777777",
        "Heat": "tt0000101",
    }
    bea = await newcomer(make_visitor, "bea@example.com")
    zipped_export = (await user.get("/account/export.zip")).content
    await import_file(bea, "flicklist-export.zip", zipped_export)
    assert await export_document(bea) == exported


@pytest.mark.slow
async def test_a_worker_stopped_mid_import_says_what_it_wrote_and_the_file_then_comes_in_once(
    user, app, make_settings_app
):
    other_worker = await make_settings_app(secret_key=app.state.settings.secret_key)
    diary = a_diary(20_000)
    job_url = (await user.upload("/account/import", "diary.csv", diary)).headers["location"]
    await settled(user, job_url)
    async with AsyncClient(transport=ASGITransport(app=other_worker), base_url="http://testserver") as client:
        client.cookies = user.client.cookies
        applying = await client.post(f"{job_url}/apply", data={"csrf_token": user.csrf_token})
        assert applying.status_code == 303
        await written_at_least(user, job_url, 1)
        await other_worker.state.imports.stop()  # what the worker's shutdown does
    page = text_of((await user.get(job_url)).text)
    written, changes = changes_written(page)
    assert "Interrupted" in page and 0 < written < changes == 20_100  # 100 films, 20,000 viewings
    assert (await user.post(f"{job_url}/apply")).status_code == 409, "an interrupted import is not taken up again"
    await import_file(user, "diary.csv", diary)
    history = await export_document(user)
    assert len(history) == 100 and sum(len(entry["viewings"]) for entry in history) == 20_000
    again = await import_file(user, "diary.csv", diary, apply=False)
    assert counted(again)["already_there"] == 100 and counted(again)["viewings"] == 0


async def test_an_import_over_its_time_budget_stops_and_says_so(user, app):
    job_url = (await user.upload("/account/import", "diary.csv", a_diary(20_000))).headers["location"]
    await settled(user, job_url)
    app.state.imports.budget_seconds = 0.3
    await user.post(f"{job_url}/apply")
    page = await settled(user, job_url)
    assert "Not imported This import took longer than 0.3 seconds, the most FlickList gives one." in page
    assert (await user.upload("/account/import", "watchlist.csv", a_watchlist(1))).status_code == 303


@pytest.mark.slow
async def test_a_worker_starting_leaves_another_workers_running_import_alone(user, app, make_settings_app):
    job_url = (await user.upload("/account/import", "diary.csv", a_diary(20_000))).headers["location"]
    await settled(user, job_url)
    await user.post(f"{job_url}/apply")
    await written_at_least(user, job_url, 1)
    await make_settings_app(secret_key=app.state.settings.secret_key)  # starts while the import runs
    done = await settled(user, job_url)
    assert "Imported" in done and counted(done)["viewings"] == 20_000


async def test_an_imported_films_imdb_id_survives_a_delete_and_its_undo(user):
    ratings = csv_bytes(
        IMDB_RATINGS_HEADER, [["tt7777777", "8", "2024-03-01", "A Film No Catalog Has", "Movie", "2019"]]
    )
    await import_file(user, "ratings.csv", ratings)
    film = await user.movie_id("A Film No Catalog Has", page="/watched")
    page = (await user.post(f"/movies/{film}/delete", {}, htmx=True)).text
    undo = re.search(r'name="undo" value="([^"]+)"', page).group(1)
    await user.post("/movies/restore", {"undo": undo})
    assert [entry["imdb_id"] for entry in await export_document(user)] == ["tt7777777"]


async def test_the_preview_counts_what_the_file_holds_that_will_not_come_in(user):
    lists_header = b"Date,Name,Year,URL,Description\n"
    export = zipped(
        {
            "profile.csv": b"Date Joined,Username\n2020-01-01,ann\n",
            "watched.csv": csv_bytes(LETTERBOXD_HEADER, [["2024-01-01", "Heat", "1995", "x"]]),
            "deleted/diary.csv": lists_header,
            "orphaned/lists/to-show-my-kids.csv": lists_header,
            "likes/films.csv": csv_bytes(
                ["Date", "Name", "Year", "Letterboxd URI"], [["2024-01-01", "Heat", "1995", "x"]] * 3
            ),
            "likes/reviews.csv": csv_bytes(
                ["Date", "Name", "Year", "Letterboxd URI"], [["2024-01-02", "Alien", "1979", "y"]] * 2
            ),
            "comments.csv": b"Date,Content,Comment\n2024-01-01,https://boxd.it/x,Agreed!\n",
        }
    )
    preview = await import_file(user, "letterboxd-export.zip", export, apply=False)
    assert (
        "Not imported: 2 files of Letterboxd's deleted/ and orphaned/ folders, 2 likes of reviews and lists, "
        "1 comment, your Letterboxd profile (FlickList keeps films, ratings, viewings, reviews, likes of films and "
        "lists)." in preview
    )
    assert counted(preview)["to_watched"] == 1
    assert counted(preview)["likes"] == 1, "the film liked three times over: one like"
    series = csv_bytes(
        IMDB_RATINGS_HEADER,
        [
            ["tt0000101", "9", "2024-03-02", "Heat", "Movie", "1995"],
            ["tt0903747", "10", "2024-03-02", "Breaking Bad", "TV Series", "2008"],
        ],
    )
    preview = await import_file(user, "ratings.csv", series, apply=False)
    assert "Not imported: 1 TV series, episode or game" in preview


async def test_an_import_past_the_films_a_person_may_keep_writes_nothing(make_settings_app):
    app = await make_settings_app(max_films_per_user="5")
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver") as client:
        person = Visitor(client)
        await person.register("keeper@example.com")
        await person.get("/")
        job_url = (await person.upload("/account/import", "watchlist.csv", a_watchlist(6))).headers["location"]
        await settled(person, job_url)
        await person.post(f"{job_url}/apply")
        page = await settled(person, job_url)
        assert (
            "This import would bring your lists to 6 films; this FlickList keeps at most 5 per person. "
            "Nothing was imported." in page
        )
        assert films_on_watchlist((await person.get("/")).text) == 0


async def test_the_stage_an_import_ends_in_is_said_in_the_pages_live_region(user):
    response = await user.upload("/account/import", "watchlist.csv", a_watchlist(3))
    job_url = response.headers["location"]
    await settled(user, job_url)
    page = (await user.get(job_url)).text
    assert '<p id="import-news" class="visually-hidden" role="status"></p>' in page, "an empty live region"
    answer = (await user.get(job_url, htmx=True)).text
    assert '<p id="import-news" hx-swap-oob="innerHTML">What importing will do</p>' in answer
    await user.post(f"{job_url}/apply")
    await settled(user, job_url)
    answer = (await user.get(job_url, htmx=True)).text
    assert '<p id="import-news" hx-swap-oob="innerHTML">Imported</p>' in answer
