"""Likes, as Letterboxd's: a heart on a film of the Watched list, given and taken back from its
row or its page, kept through a delete and its Undo, and a filter that shows only the liked."""

import re

from support import flashes, texts_of_class


def pressed(page: str, movie_id: int) -> bool | None:
    """Whether the Like button of the movie's row (or of its page) shows pressed; None when there is none."""
    button = re.search(rf'<button formaction="/movies/{movie_id}/like"[^>]*>', page) or re.search(
        rf'<form action="/movies/{movie_id}/like".*?(<button[^>]*>)', page, re.DOTALL
    )
    if button is None:
        return None
    return 'aria-pressed="true"' in button.group(0)


async def watched(user, *titles: str) -> list[int]:
    ids = []
    for title in titles:
        await user.add(title)
        ids.append(await user.movie_id(title))
        await user.post(f"/movies/{ids[-1]}/watched")
    return ids


async def test_a_heart_given_from_the_watched_list_shows_pressed_and_can_be_taken_back(user):
    (heat,) = await watched(user, "Heat")
    assert pressed((await user.get("/watched")).text, heat) is False
    response = await user.post(f"/movies/{heat}/like", {"liked": "yes"})
    assert (response.status_code, response.headers["location"]) == (303, "/watched")
    page = (await user.get("/watched")).text
    assert pressed(page, heat) is True
    assert flashes(page) == ["Liked 'Heat'."]
    await user.post(f"/movies/{heat}/like", {"liked": "no"})
    page = (await user.get("/watched")).text
    assert pressed(page, heat) is False
    assert flashes(page) == ["Unliked 'Heat'."]


async def test_with_htmx_the_row_comes_back_pressed_or_not_in_its_place(user):
    (heat,) = await watched(user, "Heat")
    await user.get("/watched")
    response = await user.post(f"/movies/{heat}/like", {"liked": "yes"}, htmx=True)
    assert response.status_code == 200
    assert texts_of_class(response.text, "title") == ["Heat"]
    assert pressed(response.text, heat) is True
    assert flashes(response.text) == ["Liked 'Heat'."]
    response = await user.post(f"/movies/{heat}/like", {"liked": "no"}, htmx=True)
    assert pressed(response.text, heat) is False, "the row as it is now, not as it was"
    assert 'name="liked" value="yes"' in response.text, "its next press gives the heart again"
    assert flashes(response.text) == ["Unliked 'Heat'."]


async def test_the_liked_filter_shows_only_the_films_with_a_heart(user):
    heat, alien, brazil = await watched(user, "Heat", "Alien", "Brazil")
    for movie_id in (heat, brazil):
        await user.post(f"/movies/{movie_id}/like", {"liked": "yes"})
    liked = (await user.get("/watched?liked=yes")).text
    assert sorted(texts_of_class(liked, "title")) == ["Brazil", "Heat"]
    assert '<option value="yes" selected>Liked</option>' in liked
    assert sorted(texts_of_class((await user.get("/watched")).text, "title")) == ["Alien", "Brazil", "Heat"]
    await user.post(f"/movies/{alien}/delete")
    await user.post(f"/movies/{heat}/like", {"liked": "no"})
    assert "No film on your Watched list matches these filters." in (await user.get("/watched?liked=yes")).text


async def test_the_liked_filter_is_the_watched_lists_alone_and_says_so_when_misread(user):
    for link in ("/?liked=yes", "/watched?liked=maybe"):
        response = await user.get(link)
        assert response.status_code == 400
        assert "That list link is broken" in response.text


async def test_the_films_page_gives_and_takes_back_the_heart_and_comes_back_to_itself(user):
    (heat,) = await watched(user, "Heat")
    page = (await user.get(f"/movies/{heat}")).text
    assert pressed(page, heat) is False
    response = await user.post(f"/movies/{heat}/like", {"liked": "yes", "back": f"/movies/{heat}"})
    assert response.headers["location"] == f"/movies/{heat}"
    assert pressed((await user.get(f"/movies/{heat}")).text, heat) is True


async def test_only_a_watched_film_of_ones_own_takes_a_heart(user, make_visitor):
    await user.add("Dune")
    dune = await user.movie_id("Dune")
    response = await user.post(f"/movies/{dune}/like", {"liked": "yes"})
    assert response.status_code == 404
    assert "not on your Watched list" in response.text
    assert pressed((await user.get(f"/movies/{dune}")).text, dune) is None

    (heat,) = await watched(user, "Heat")
    bob = await make_visitor()
    await bob.register("bob@example.com")
    assert (await bob.post(f"/movies/{heat}/like", {"liked": "yes"})).status_code == 404
    assert pressed((await user.get("/watched")).text, heat) is False


async def test_anything_but_yes_or_no_is_refused_and_changes_nothing(user):
    (heat,) = await watched(user, "Heat")
    for answer in ("", "true", "YES", "1"):
        response = await user.post(f"/movies/{heat}/like", {"liked": answer})
        assert response.status_code == 422
        assert "liked=yes or liked=no" in response.text
    assert pressed((await user.get("/watched")).text, heat) is False


async def test_a_deleted_films_heart_comes_back_with_its_undo(user):
    (heat,) = await watched(user, "Heat")
    await user.post(f"/movies/{heat}/like", {"liked": "yes"})
    await user.post(f"/movies/{heat}/delete")
    page = (await user.get("/watched")).text
    undo = re.search(r'name="undo" value="([^"]+)"', page).group(1)
    await user.post("/movies/restore", {"undo": undo})
    restored = await user.movie_id("Heat", page="/watched")
    assert pressed((await user.get("/watched")).text, restored) is True


async def test_putting_a_film_back_on_the_watchlist_takes_its_heart_away(user):
    (heat,) = await watched(user, "Heat")
    await user.post(f"/movies/{heat}/like", {"liked": "yes"})
    await user.post(f"/movies/{heat}/unwatched")
    assert pressed((await user.get(f"/movies/{heat}")).text, heat) is None, "no heart on the watchlist"
    await user.post(f"/movies/{heat}/watched")
    assert pressed((await user.get("/watched")).text, heat) is False, "as on Letterboxd: a liked film is a watched one"
