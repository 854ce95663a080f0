"""Keeping a watchlist with plain forms: add, cross off, rate, put back, delete; each user alone."""

import re
import time

import pytest
from support import flashes, text_of, texts_of_class

from flicklist.lists.rows import ListedMovie
from flicklist.web.rendering import templates


async def test_an_added_movie_appears_on_the_watchlist_with_a_flash(user):
    response = await user.add("  The   Third Man  ")
    assert (response.status_code, response.headers["location"]) == (303, "/")
    page = await user.get("/")
    assert "The Third Man" in texts_of_class(page.text, "title")
    assert flashes(page.text) == ["Added 'The Third Man' to your watchlist."]


async def test_both_lists_show_what_was_just_added_to_them_first(user, clock):
    titles = ["Zodiac", "Alien", "Memento", "Brazil"]
    for title in titles:
        await user.add(title)
        clock.tick()

    def shown(page: str) -> list[str]:
        return texts_of_class(page, "title")

    assert shown((await user.get("/")).text) == ["Brazil", "Memento", "Alien", "Zodiac"]
    for title in ("Brazil", "Alien", "Zodiac"):
        await user.post(f"/movies/{await user.movie_id(title)}/watched")
        clock.tick()
    assert shown((await user.get("/watched")).text) == ["Zodiac", "Alien", "Brazil"]
    assert shown((await user.get("/")).text) == ["Memento"]


async def test_a_flash_is_shown_once(user):
    await user.add("Heat")
    assert flashes((await user.get("/")).text) == ["Added 'Heat' to your watchlist."]
    assert flashes((await user.get("/")).text) == []


async def test_a_blank_title_is_refused(user):
    await user.add("   ")
    page = await user.get("/")
    assert flashes(page.text) == ["Please specify the movie you want to add."]
    assert 'class="movie"' not in page.text


async def test_a_title_over_200_characters_is_refused_and_kept_in_the_form(user):
    await user.add("x" * 201)
    page = await user.get("/")
    assert flashes(page.text) == ["A title can be at most 200 characters long."]
    assert f'value="{"x" * 201}"' in page.text
    assert (await user.add("x" * 200)).headers["location"] == "/"


async def test_the_same_title_twice_is_refused_whatever_its_case(user):
    await user.add("Heat")
    await user.get("/")
    await user.add("HEAT")
    page = await user.get("/")
    assert flashes(page.text) == ["'HEAT' is already on your watchlist."]
    assert page.text.count('class="movie"') == 1


async def test_a_film_already_watched_is_refused_saying_so_and_offering_to_watch_it_again(user):
    await user.add("Parasite")
    movie_id = await user.movie_id("Parasite")
    await user.post(f"/movies/{movie_id}/watched")
    await user.get("/")
    await user.add("parasite")
    page = (await user.get("/")).text
    assert flashes(page) == ["'parasite' is already on your Watched list."]
    assert '<button type="submit" class="link-button">Watch it again</button>' in page
    again = re.search(r'<form class="inline flash-action" action="([^"]+)".*?name="rewatch" value="on"', page, re.S)
    response = await user.post(again.group(1), {"rewatch": "on"})
    assert response.headers["location"] == f"/movies/{movie_id}"
    assert "2 times" in text_of((await user.get("/watched")).text), "a new viewing, today"


@pytest.mark.parametrize(
    "title",
    [
        "Gigli",
        "gigli",
        "Star Wars Episode 1: Attack of the Clones",
        "PAUL BLART: MALL COP 2",
        "Nine Lives",
        "starship troopers",
    ],
)
async def test_terrible_movies_are_refused(user, title):
    await user.add(title)
    page = await user.get("/")
    assert flashes(page.text) == [f"Trust me, you don't want to add '{title}' to your watchlist."]
    assert '<button type="submit" class="link-button">Add it anyway</button>' in page.text
    assert 'class="movie"' not in page.text


async def test_a_terrible_movie_can_be_added_anyway(user):
    await user.add("Gigli")
    page = (await user.get("/")).text
    anyway = dict(re.findall(r'<input type="hidden" name="(title|anyway)" value="([^"]*)">', page))
    assert anyway == {"title": "Gigli", "anyway": "1"}
    await user.post("/movies", anyway)
    page = (await user.get("/")).text
    assert texts_of_class(page, "title") == ["Gigli"] and flashes(page) == ["Added 'Gigli' to your watchlist."]


async def test_crossing_off_moves_a_movie_to_watched(user):
    await user.add("Heat")
    movie_id = await user.movie_id("Heat")
    response = await user.post(f"/movies/{movie_id}/watched")
    assert (response.status_code, response.headers["location"]) == (303, "/")
    watchlist = await user.get("/")
    assert ">Heat</a>" not in watchlist.text
    assert flashes(watchlist.text) == ["Crossed off 'Heat'. Rate it on your Watched list."]
    assert await user.movie_id("Heat", page="/watched") == movie_id


async def test_putting_a_movie_back_returns_it_to_the_watchlist(user):
    await user.add("Heat")
    movie_id = await user.movie_id("Heat")
    await user.post(f"/movies/{movie_id}/watched")
    response = await user.post(f"/movies/{movie_id}/unwatched")
    assert response.headers["location"] == "/watched"
    assert ">Heat</a>" not in (await user.get("/watched")).text
    assert await user.movie_id("Heat") == movie_id


async def test_a_rating_is_saved_and_shown_checked_on_the_watched_page(user):
    await user.add("Heat")
    movie_id = await user.movie_id("Heat")
    await user.post(f"/movies/{movie_id}/watched")
    await user.get("/watched")
    response = await user.post(f"/movies/{movie_id}/rating", {"rating": "4"})
    assert (response.status_code, response.headers["location"]) == (303, "/watched")
    page = (await user.get("/watched")).text
    assert 'name="rating" value="4" checked>' in page
    for other in ("0.5", "1", "1.5", "2", "2.5", "3", "3.5", "4.5", "5"):
        assert f'name="rating" value="{other}">' in page
    assert flashes(page) == ["Rated 'Heat' 4 out of 5."]


@pytest.mark.parametrize("rating", ["0", "5.5", "6", "", "four", "3.25", "4.0", "-1", "0.50"])
async def test_a_rating_other_than_half_to_5_in_half_stars_is_refused_and_changes_nothing(user, rating):
    await user.add("Heat")
    movie_id = await user.movie_id("Heat")
    await user.post(f"/movies/{movie_id}/watched")
    response = await user.post(f"/movies/{movie_id}/rating", {"rating": rating})
    assert response.status_code == 422
    assert "Choose a rating from ½ to 5 stars, in half stars." in response.text
    assert " checked>" not in (await user.get("/watched")).text


async def test_deleting_a_movie_removes_it(user):
    await user.add("Heat")
    movie_id = await user.movie_id("Heat")
    response = await user.post(f"/movies/{movie_id}/delete")
    assert response.headers["location"] == "/"
    page = await user.get("/")
    assert ">Heat</a>" not in page.text
    assert flashes(page.text) == ["Deleted 'Heat'."]


async def test_nobody_sees_or_touches_another_users_movies(user, make_visitor):
    await user.add("Heat")
    movie_id = await user.movie_id("Heat")
    bob = await make_visitor()
    await bob.register("bob@example.com")
    assert "Heat" not in (await bob.get("/")).text
    for action, data in (("watched", {}), ("unwatched", {}), ("rating", {"rating": "1"}), ("delete", {})):
        response = await bob.post(f"/movies/{movie_id}/{action}", data)
        assert response.status_code == 404, action
        assert "That movie is not on your list." in response.text
    assert await user.movie_id("Heat") == movie_id, "Ann's movie is untouched"
    assert (await bob.add("Heat")).headers["location"] == "/", "the same title on another list is fine"


@pytest.mark.parametrize("path", ["/movies/999/watched", "/movies/abc/watched", "/movies/99999999999999999999/delete"])
async def test_a_movie_that_does_not_exist_is_a_404_page(user, path):
    response = await user.post(path)
    assert response.status_code == 404
    assert "<h1>" in response.text and "Traceback" not in response.text


def undo_token(page: str) -> str:
    match = re.search(r'<input type="hidden" name="undo" value="([^"]+)">', page)
    assert match, "the banner offers an Undo"
    return match.group(1)


async def test_undoing_a_delete_restores_the_movie_where_it_was_with_its_rating(user):
    await user.add("Heat")
    movie_id = await user.movie_id("Heat")
    await user.post(f"/movies/{movie_id}/watched")
    await user.post(f"/movies/{movie_id}/rating", {"rating": "3"})
    await user.post(f"/movies/{movie_id}/delete")
    token = undo_token((await user.get("/watched")).text)
    response = await user.post("/movies/restore", {"undo": token})
    assert response.headers["location"] == "/watched"
    page = (await user.get("/watched")).text
    assert flashes(page) == ["'Heat' is back."]
    assert 'name="rating" value="3" checked>' in page


async def test_undo_brings_back_only_what_this_user_just_deleted(user, make_visitor, app):
    bob = await make_visitor()
    await bob.register("bob@example.com")
    await bob.add("Heat")
    await bob.post(f"/movies/{await bob.movie_id('Heat')}/delete")
    bobs_token = undo_token((await bob.get("/")).text)
    forged = [
        {"title": "Gigli", "watched": "1", "rating": "5"},  # the old form: any row, watched and rated
        {"undo": "not a token"},
        {"undo": bobs_token[:-2] + ("AA" if not bobs_token.endswith("AA") else "BB")},
        {"undo": bobs_token},  # Bob's own, genuine, but not Ann's to use
    ]
    for fields in forged:
        response = await user.post("/movies/restore", fields)
        assert response.status_code == 422, fields
        assert "That undo link is not valid." in text_of(response.text)
    assert (await user.get("/")).text.count('class="movie"') == 0
    assert (await user.get("/watched")).text.count('class="movie"') == 0


async def test_an_undo_older_than_a_quarter_of_an_hour_is_refused(user, monkeypatch):
    await user.add("Heat")
    await user.post(f"/movies/{await user.movie_id('Heat')}/delete")
    token = undo_token((await user.get("/")).text)
    later = time.time() + 16 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert (await user.post("/movies/restore", {"undo": token})).status_code == 422
    assert (await user.get("/")).text.count('class="movie"') == 0


async def test_an_undo_after_the_title_was_added_again_says_it_is_there(user):
    await user.add("Heat")
    await user.post(f"/movies/{await user.movie_id('Heat')}/delete")
    token = undo_token((await user.get("/")).text)
    await user.add("heat")
    response = await user.post("/movies/restore", {"undo": token})
    assert response.status_code == 409
    assert (await user.get("/")).text.count('class="movie"') == 1


async def test_flashes_from_several_actions_in_a_row_are_all_shown(user):
    await user.add("Heat")
    await user.add("Alien")
    assert flashes((await user.get("/")).text) == [
        "Added 'Heat' to your watchlist.",
        "Added 'Alien' to your watchlist.",
    ]


@pytest.mark.parametrize("partial", ["partials/movie_rows.html", "partials/watched_rows.html"])
def test_each_row_partial_renders_rows_of_the_listed_shape(app, partial):
    rows = [ListedMovie(7, "Heat & Dust", 4), ListedMovie(8, "Alien", None)]
    html = templates.get_template(partial).render(movies=rows, csrf="token")
    assert texts_of_class(html, "title") == ["Heat & Dust", "Alien"]
    assert 'action="/movies/7/' in html and 'action="/movies/8/' in html
    if partial == "partials/watched_rows.html":
        assert re.findall(r'id="rating-(\d+)-(\d)"[^>]*checked', html) == [("7", "4")], "only Heat & Dust's 4 stars"
