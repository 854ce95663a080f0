"""The catalog in the watchlist: adding a picked film, typed titles linked when they name one
film, rows showing year, runtime and genres, duplicates decided by film."""

import re

import pytest
from support import DATA, flashes, text_of, texts_of_class

from flicklist.catalog.load import load_catalog
from flicklist.diary.days import today, written_day


def rows_of(page: str) -> list[str]:
    return [" ".join(row.split()) for row in texts_of_class(page, "movie")]


async def test_a_picked_film_is_added_with_its_year_runtime_and_genres(user, catalog):
    response = await user.post("/movies", {"film": str(catalog["tt0000101"]), "title": "hea"})
    assert response.headers["location"] == "/"
    page = (await user.get("/")).text
    assert flashes(page) == ["Added 'Heat' to your watchlist."]
    assert texts_of_class(page, "film-details") == ["1995 · 170 min · Action, Crime, Drama"]


async def test_two_films_of_one_title_both_fit_but_one_film_only_once(user, catalog):
    for imdb_id in ("tt0000107", "tt0000108"):
        await user.post("/movies", {"film": str(catalog[imdb_id])})
    await user.post("/movies", {"film": str(catalog["tt0000108"])})
    page = (await user.get("/?sort=year")).text
    assert flashes(page)[-1] == "'Dune' is already on your watchlist."
    assert texts_of_class(page, "film-details") == [
        "2021 · 155 min · Action, Adventure, Drama",
        "1984 · 137 min · Action, Adventure, Sci-Fi",
    ]


@pytest.mark.parametrize(
    ("typed", "shown", "details"),
    [
        ("Heat (1986)", "Heat", ["1986 · 101 min · Action, Crime, Thriller"]),
        ("heat 1995", "Heat", ["1995 · 170 min · Action, Crime, Drama"]),
        ("amelie", "Amélie", ["2001 · 122 min · Comedy, Romance"]),
        ("Heat", "Heat", []),  # three films are called Heat: kept as typed
        ("My Cousin's Wedding Video", "My Cousin's Wedding Video", []),
    ],
)
async def test_a_typed_title_is_linked_when_it_names_exactly_one_film(user, catalog, typed, shown, details):
    await user.add(typed)
    page = (await user.get("/")).text
    assert texts_of_class(page, "title") == [shown]
    assert texts_of_class(page, "film-details") == details


@pytest.mark.parametrize("film", ["999999", "99999999999999999999", "-1", "1.5", "x"])
async def test_a_film_not_in_the_catalog_is_refused(user, catalog, film):
    response = await user.post("/movies", {"film": film, "title": "Heat"})
    assert response.headers["location"] == "/"
    assert flashes((await user.get("/")).text) == [
        "That film is not in the catalog (any more). Type its title instead."
    ]
    assert rows_of((await user.get("/")).text) == []


async def test_undo_puts_a_film_back_linked(user, catalog):
    await user.post("/movies", {"film": str(catalog["tt0000106"])})
    movie_id = re.search(r'action="/movies/(\d+)/watched"', (await user.get("/")).text).group(1)
    await user.post(f"/movies/{movie_id}/delete")
    token = re.search(r'name="undo" value="([^"]+)"', (await user.get("/")).text).group(1)
    await user.post("/movies/restore", {"undo": token})
    assert texts_of_class((await user.get("/")).text, "film-details") == ["2001 · 122 min · Comedy, Romance"]


async def test_the_search_answers_with_a_listbox_of_films_and_a_count(user, catalog):
    response = await user.get("/films/search?q=dune", htmx=True)
    assert response.status_code == 200
    assert '<ul id="film-options" class="film-options" role="listbox"' in response.text
    assert texts_of_class(response.text, "title") == ["Dune", "Dune", "Dune: Part Two"]
    assert re.findall(r'role="option" aria-selected="false" data-film="(\d+)"', response.text) == [
        str(catalog[imdb_id]) for imdb_id in ("tt0000108", "tt0000107", "tt0000109")
    ]
    assert texts_of_class(response.text, "film-details")[0] == "2021 · 155 min · Action, Adventure, Drama"
    assert "3 films found. Use the arrow keys to choose." in response.text
    nothing = await user.get("/films/search?q=xyzzy", htmx=True)
    assert "No film found; your title will be added as typed." in nothing.text and 'role="option"' not in nothing.text


async def test_the_add_field_is_a_combobox_only_with_a_catalog(user, app):
    plain = (await user.get("/")).text
    assert 'role="combobox"' not in plain and "combobox.js" not in plain
    await load_catalog(app.state.db, DATA / "title.basics.tsv")
    page = (await user.get("/")).text
    assert 'role="combobox"' in page and 'aria-controls="film-options"' in page and "/static/combobox.js" in page


async def test_the_search_is_behind_the_login_wall(visitor, catalog):
    assert (await visitor.get("/films/search?q=heat")).headers["location"] == "/login?next=/films/search"


async def test_a_free_text_entry_is_linked_to_the_film_chosen(user, app):
    await user.add("Heat")  # no catalog yet: kept as typed, and no question asked
    assert "Which film is this?" not in (await user.get("/")).text
    await load_catalog(app.state.db, DATA / "title.basics.tsv", DATA / "title.ratings.tsv")
    page = (await user.get("/")).text
    movie_id = re.search(r'href="/movies/(\d+)/film"', page).group(1)
    choices = (await user.get(f"/movies/{movie_id}/film")).text
    assert texts_of_class(choices, "title")[:3] == ["Heat", "Heat", "Heat"]
    film_1986 = re.findall(r'name="film" value="(\d+)"', choices)[1]
    assert (await user.post(f"/movies/{movie_id}/film", {"film": film_1986})).headers["location"] == "/"
    page = (await user.get("/")).text
    assert flashes(page) == ["'Heat' is now Heat (1986)."]
    assert texts_of_class(page, "film-details") == ["1986 · 101 min · Action, Crime, Thriller"]
    assert "Which film is this?" not in page


async def test_linking_refuses_a_film_already_on_the_list_and_another_users_entry(user, make_visitor, catalog):
    await user.post("/movies", {"film": str(catalog["tt0000101"])})
    await user.add("Heat")
    page = (await user.get("/")).text
    movie_id = re.search(r'href="/movies/(\d+)/film"', page).group(1)
    await user.post(f"/movies/{movie_id}/film", {"film": str(catalog["tt0000101"])})
    assert flashes((await user.get("/")).text) == ["'Heat' (1995) is on your list already."]
    bob = await make_visitor()
    await bob.register("bob@example.com")
    assert (await bob.get(f"/movies/{movie_id}/film")).status_code == 404
    assert (await bob.post(f"/movies/{movie_id}/film", {"film": str(catalog["tt0000106"])})).status_code == 404


async def test_a_films_page_shows_the_film_and_what_this_user_did_with_it(user, catalog):
    heat = catalog["tt0000101"]
    page = text_of((await user.get(f"/films/{heat}")).text)
    assert "1995 · 170 min · Action, Crime, Drama" in page and "IMDb rating 8.3 of 10, from 700,000 votes." in page
    assert "Not on your lists." in page
    await user.post("/movies", {"film": str(heat)})
    listed = (await user.get("/")).text
    assert f'<a class="title" href="/films/{heat}" hx-boost="false">Heat</a>' in listed, "the row links to the film"
    assert "On your watchlist since" in text_of((await user.get(f"/films/{heat}")).text)
    movie_id = re.search(r'action="/movies/(\d+)/watched"', listed).group(1)
    await user.post(f"/movies/{movie_id}/watched")
    await user.post(f"/movies/{movie_id}/rating", {"rating": "4"})
    film_page = text_of((await user.get(f"/films/{heat}")).text)
    assert "On your Watched list, rated ★★★★ 4." in film_page
    assert f"Your viewings {written_day(today().isoformat())} ★★★★ 4 Edit" in film_page
    amelie = text_of((await user.get(f"/films/{catalog['tt0000106']}")).text)
    assert "Original title: Le fabuleux destin d'Amélie Poulain" in amelie
    assert (await user.get("/films/999999")).status_code == 404


async def test_a_catalog_reload_shows_in_the_search_at_once(user, app, catalog, tmp_path):
    assert "Heat Lightning" not in (await user.get("/films/search?q=heat")).text
    basics = tmp_path / "title.basics.tsv"
    added = "tt0000199\tmovie\tHeat Lightning\tHeat Lightning\t0\t1934\t\\N\t63\tDrama\n"
    basics.write_text((DATA / "title.basics.tsv").read_text() + added)
    await load_catalog(app.state.db, basics, DATA / "title.ratings.tsv")
    assert "Heat Lightning" in (await user.get("/films/search?q=heat")).text, "not an answer remembered from before"
