"""The diary: every viewing its own entry, logged in one click or with date, half-star rating,
review and tags; changed, deleted and brought back; listed newest first by month."""

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import update
from support import flashes, text_of, texts_of_class

from flicklist.diary.days import today, written_day
from flicklist.diary.trash import UNDO_SECONDS
from flicklist.housekeeping import remove_expired
from flicklist.tables import trash


def undo_fields(page: str) -> dict[str, str]:
    """The newest Undo in the banner: where it posts and what."""
    forms = list(re.finditer(r'<form class="inline flash-action" action="([^"]+)".*?</form>', page, re.DOTALL))
    assert forms, "the banner offers an Undo"
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', forms[-1].group(0)))
    fields.pop("csrf_token")
    return {"url": forms[-1].group(1), **fields}


async def watched_movie(user, title: str) -> int:
    await user.add(title)
    movie_id = await user.movie_id(title)
    await user.post(f"/movies/{movie_id}/watched")
    return movie_id


def days_ago(days: int) -> str:
    return (today() - timedelta(days=days)).isoformat()


async def log(user, movie_id: int, **fields: str):
    form = {"watched_on": "", "rating": "", "review": "", "tags": "", **fields}
    return await user.post(f"/movies/{movie_id}/log", form)


async def test_i_watched_it_logs_a_viewing_dated_today_and_its_undo_takes_the_viewing_back(user):
    movie_id = await watched_movie(user, "Heat")
    undo = undo_fields((await user.get("/")).text)
    diary = text_of((await user.get("/diary")).text)
    assert f"{written_day(today().isoformat())} Heat" in diary
    assert undo["url"] == f"/movies/{movie_id}/unwatched"
    await user.post(undo.pop("url"), undo)
    assert "Nothing logged yet." in text_of((await user.get("/diary")).text)
    assert await user.movie_id("Heat") == movie_id  # back on the watchlist


async def test_a_logged_viewing_keeps_its_date_half_star_rating_review_and_tags(user):
    await user.add("Heat")
    movie_id = await user.movie_id("Heat")
    review = "Line one.\nLine two <b>not bold</b> & <script>alert(1)</script>"
    response = await log(
        user, movie_id, watched_on=days_ago(3), rating="3.5", review=review, tags="crime, LA, crime, Crime"
    )
    assert response.headers["location"] == f"/movies/{movie_id}"
    page = (await user.get(f"/movies/{movie_id}")).text
    assert flashes(page) == [f"Logged 'Heat', watched {written_day(days_ago(3))}."]
    shown = "Line one.\nLine two &lt;b&gt;not bold&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;"
    assert f'<div class="review">{shown}</div>' in page, "shown as typed, line breaks kept, no HTML made of it"
    assert "Tags: crime, LA" in text_of(page)
    assert (
        '<span class="stars-shown" role="img" aria-label="rated 3.5 stars">★★★<span class="half-star">★</span>'
        ' <span class="rating-number">3.5</span></span>' in page
    ), "three stars and half of one, drawn as half a star, then the number"
    watched = (await user.get("/watched")).text
    assert 'name="rating" value="3.5" checked>' in watched, "the film's rating is its newest rated viewing's"
    assert f"Watched {written_day(days_ago(3))}" in text_of(watched)


async def test_logging_again_counts_the_times_and_marks_a_rewatch_by_itself(user):
    movie_id = await watched_movie(user, "Heat")
    form = (await user.get(f"/movies/{movie_id}/log")).text
    assert re.search(r'<input id="rewatch" name="rewatch" type="checkbox" checked>', form)
    assert f'value="{today().isoformat()}"' in form, "dated today unless changed"
    await log(user, movie_id, watched_on=today().isoformat(), rewatch="on")
    assert f"Watched {written_day(today().isoformat())}, 2 times" in text_of((await user.get("/watched")).text)
    await user.post(f"/movies/{movie_id}/unwatched")  # put back from the Watched list: the diary keeps both
    await user.post(f"/movies/{movie_id}/watched")
    page = text_of((await user.get(f"/movies/{movie_id}")).text)
    assert page.count("Rewatch") == 2 and "3 times" in text_of((await user.get("/watched")).text)


async def test_the_first_viewing_is_not_a_rewatch(user):
    await user.add("Heat")
    movie_id = await user.movie_id("Heat")
    assert 'type="checkbox">' in (await user.get(f"/movies/{movie_id}/log")).text
    await user.post(f"/movies/{movie_id}/watched")
    assert "Rewatch" not in text_of((await user.get("/diary")).text)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"watched_on": (today() + timedelta(days=2)).isoformat()}, "That date is in the future"),
        ({"watched_on": "25/11/2026"}, "Give the date as year-month-day"),
        ({"watched_on": "1800-01-01"}, "That date is before films were made."),
        ({"rating": "4.0"}, "Choose a rating from ½ to 5 stars, in half stars."),
        ({"rating": "11"}, "Choose a rating from ½ to 5 stars, in half stars."),
        ({"review": "x" * 20_001}, "A review can be at most 20,000 characters long (this one has 20,001)."),
        ({"tags": ", ".join(f"tag{n}" for n in range(21))}, "Up to 20 tags, each at most 50 characters."),
    ],
)
async def test_a_wrong_viewing_is_refused_with_its_reason_and_logs_nothing(user, fields, message):
    await user.add("Heat")
    movie_id = await user.movie_id("Heat")
    response = await log(user, movie_id, **{"review": "My long thoughts.\n" * 50, **fields})
    assert response.status_code == 422
    assert any(flash.startswith(message) for flash in flashes(response.text))
    assert "Nothing logged yet." in text_of((await user.get("/diary")).text)
    if "review" not in fields:
        assert texts_of_class(response.text, "viewing-form") and "My long thoughts.\n" * 50 in response.text, (
            "what was typed comes back whole"
        )


async def test_a_viewing_can_be_changed(user):
    movie_id = await watched_movie(user, "Heat")
    viewing_id = re.search(r'id="viewing-(\d+)"', (await user.get(f"/movies/{movie_id}")).text).group(1)
    form = (await user.get(f"/viewings/{viewing_id}")).text
    assert f'value="{today().isoformat()}"' in form
    response = await user.post(
        f"/viewings/{viewing_id}",
        {"watched_on": days_ago(40), "rating": "0.5", "rewatch": "on", "review": "Better the second time.", "tags": ""},
    )
    assert response.headers["location"] == f"/movies/{movie_id}"
    html = (await user.get(f"/movies/{movie_id}")).text
    page = text_of(html)
    assert written_day(days_ago(40)) in page and "Rewatch Better the second time." in page
    assert (
        'aria-label="rated 0.5 stars"><span class="half-star">★</span> <span class="rating-number">0.5</span></span>'
        in html
    ), "half a star, drawn, and its number"
    assert 'name="rating" value="0.5" checked>' in (await user.get("/watched")).text


async def test_a_deleted_viewing_comes_back_with_undo_review_and_all(user):
    movie_id = await watched_movie(user, "Heat")
    await log(user, movie_id, watched_on=days_ago(1), review="Second look.", rewatch="on")
    page = (await user.get(f"/movies/{movie_id}")).text
    viewing_id = re.findall(r'id="viewing-(\d+)"', page)[-1]  # the older one, yesterday's
    await user.post(f"/viewings/{viewing_id}/delete")
    page = (await user.get(f"/movies/{movie_id}")).text
    assert page.count('class="viewing"') == 1
    undo = undo_fields(page)
    await user.post(undo.pop("url"), undo)
    page = text_of((await user.get(f"/movies/{movie_id}")).text)
    assert "The viewing of 'Heat' is back." in page and "Second look." in page
    again = await user.post("/viewings/restore", undo)
    assert again.status_code == 422, "an undo works once"


async def test_undoing_the_delete_of_a_movie_brings_back_its_diary(user):
    movie_id = await watched_movie(user, "Heat")
    await log(user, movie_id, watched_on=days_ago(2), rating="4.5", review="Still great.", rewatch="on")
    await user.post(f"/movies/{movie_id}/delete")
    diary = (await user.get("/diary")).text
    assert "Nothing logged yet." in text_of(diary)
    undo = undo_fields(diary)
    await user.post(undo.pop("url"), undo)
    diary = (await user.get("/diary")).text
    entries = texts_of_class(diary, "diary-entry")
    assert len(entries) == 2 and "Review" in entries[1] and 'aria-label="rated 4.5 stars"' in diary
    assert 'name="rating" value="4.5" checked>' in (await user.get("/watched")).text


async def test_the_diary_lists_viewings_newest_first_by_month(user):
    heat, alien = await watched_movie(user, "Heat"), await watched_movie(user, "Alien")
    for movie_id, day in ((heat, "2025-10-03"), (alien, "2025-11-20"), (alien, "2025-10-28")):
        await log(user, movie_id, watched_on=day)
    page = (await user.get("/diary")).text
    months = re.findall(r'<h2 id="month-[^"]+">([^<]+)</h2>', page)
    this_month = date.fromisoformat(today().isoformat()).strftime("%B %Y")
    assert months == [this_month, "November 2025", "October 2025"]
    days = [text.split(" ", 3)[:3] for text in texts_of_class(page, "diary-entry")]
    assert [" ".join(day) for day in days][2:] == ["20 Nov 2025", "28 Oct 2025", "3 Oct 2025"]


async def test_nobody_sees_or_changes_anyone_elses_viewings(user, make_visitor):
    movie_id = await watched_movie(user, "Heat")
    viewing_id = re.search(r'id="viewing-(\d+)"', (await user.get(f"/movies/{movie_id}")).text).group(1)
    bob = await make_visitor()
    await bob.register("bob@example.com")
    fields = {"watched_on": days_ago(1), "rating": "1", "review": "mine now", "tags": ""}
    for method, url, data in (
        ("get", f"/viewings/{viewing_id}", None),
        ("post", f"/viewings/{viewing_id}", fields),
        ("post", f"/viewings/{viewing_id}/delete", {}),
        ("get", f"/movies/{movie_id}", None),
        ("get", f"/movies/{movie_id}/log", None),
        ("post", f"/movies/{movie_id}/log", fields),
    ):
        response = await (bob.get(url) if method == "get" else bob.post(url, data))
        assert response.status_code == 404, url
    assert "Nothing logged yet." in text_of((await bob.get("/diary")).text)
    page = text_of((await user.get(f"/movies/{movie_id}")).text)
    assert "mine now" not in page and page.count("Edit the viewing") == 1


async def test_after_fifteen_minutes_the_undo_has_expired_and_housekeeping_empties_the_trash(user, app):
    movie_id = await watched_movie(user, "Heat")
    await log(user, movie_id, watched_on=days_ago(1), review="Gone for good.")
    await user.post(f"/movies/{movie_id}/delete")
    undo = undo_fields((await user.get("/")).text)
    async with app.state.db.transaction() as connection:
        await connection.execute(update(trash).values(deleted_at=trash.c.deleted_at - UNDO_SECONDS - 1))
    assert (await remove_expired(app.state.db, app.state.settings)).trashed == 1
    response = await user.post(undo.pop("url"), undo)
    assert response.status_code == 422 and "That undo has expired" in text_of(response.text)
    assert "Nothing logged yet." in text_of((await user.get("/diary")).text)


async def test_a_long_diary_comes_in_pages_of_50_each_month_headed_once(user):
    await user.add("Heat")
    heat = await user.movie_id("Heat")
    days = [(date(2026, 1, 1) + timedelta(days=3 * n)).isoformat() for n in range(110)]
    for day in days:
        await user.post(f"/movies/{heat}/log", {"watched_on": day})
    page = await user.get("/diary")
    shown, months = texts_of_class(page.text, "diary-day"), texts_of_class(page.text, "diary-month")
    pages = 1
    while link := re.search(r'<li class="more" id="show-more">\s*<a href="([^"]+)"', page.text):
        page = await user.get(html.unescape(link.group(1)), htmx=pages % 2 == 1)
        assert ("<html" in page.text) == (pages % 2 == 0), "htmx gets the entries alone"
        shown += texts_of_class(page.text, "diary-day")
        months += texts_of_class(page.text, "diary-month")
        pages += 1
    assert pages == 3 and len(shown) == 110
    assert shown[0] == "24 Nov 2026" and shown[-1] == "1 Jan 2026"
    assert months == [date(2026, month, 1).strftime("%B 2026") for month in range(11, 0, -1)]
