"""Lists of thousands: pages of 50 with "Show more", sorts and filters in the query string
(each read in the order of an index), counts in the navigation, and the cap per person."""

import html
import re

import pytest
from sqlalchemy import insert, select, text
from support import POSTGRES_URL, flashes, text_of, texts_of_class

from flicklist.lists.view import BROKEN, PAGE_SIZE, SORTS, read_view
from flicklist.tables import movies, users

# Films of tests/data/title.basics.tsv: title, year, runtime, genres.
FILMS = {
    "tt0000101": "Heat",  # 1995, 170 min, Action, Crime, Drama
    "tt0000106": "Amélie",  # 2001, 122, Comedy, Romance
    "tt0000107": "Dune",  # 1984, 137, Action, Adventure, Sci-Fi
    "tt0000110": "2001: A Space Odyssey",  # 1968, 149, Adventure, Sci-Fi
    "tt0000116": "Heathers",  # 1988, 103, Comedy, Crime
    "tt0000117": "Nine Queens",  # 2000, 114, Crime, Drama, Thriller
}


def titles(page) -> list[str]:
    return texts_of_class(page.text, "title")


def show_more_link(page) -> str | None:
    found = re.search(r'<li class="more" id="show-more">\s*<a href="([^"]+)"', page.text)
    return html.unescape(found.group(1)) if found else None


@pytest.fixture
async def films_listed(user, catalog, clock):
    """Ann's watchlist: the six films above, added in that order, and a title no film names."""
    for imdb_id in FILMS:
        await user.post("/movies", {"film": str(catalog[imdb_id])})
        clock.tick()
    await user.add("Our Home Movie")
    return user


async def test_a_long_list_comes_in_pages_of_50_each_row_once_without_javascript(user, clock):
    for n in range(1, 121):
        await user.add(f"Film {n:03}")
        clock.tick()
    page = await user.get("/")
    assert titles(page) == [f"Film {n:03}" for n in range(120, 70, -1)]
    seen = titles(page)
    while link := show_more_link(page):
        page = await user.get(link)
        assert page.status_code == 200 and "<html" in page.text
        assert "Back to the top of the list" in page.text
        seen += titles(page)
    assert seen == [f"Film {n:03}" for n in range(120, 0, -1)]
    assert len(titles(page)) == 20, "the last page holds the rest"


async def test_show_more_with_htmx_answers_the_next_rows_and_the_next_link_only(user, clock):
    for n in range(1, 2 * PAGE_SIZE + 6):
        await user.add(f"Film {n:03}")
    page = await user.get("/?sort=title")
    assert titles(page)[:2] == ["Film 001", "Film 002"]
    more = await user.get(show_more_link(page), htmx=True)
    assert "<html" not in more.text and "<h1" not in more.text
    assert titles(more) == [f"Film {n:03}" for n in range(PAGE_SIZE + 1, 2 * PAGE_SIZE + 1)]
    assert 'hx-trigger="revealed, click"' in more.text
    last = await user.get(show_more_link(more), htmx=True)
    assert titles(last) == [f"Film {n:03}" for n in range(2 * PAGE_SIZE + 1, 2 * PAGE_SIZE + 6)]
    assert show_more_link(last) is None


async def test_a_row_added_while_reading_moves_nothing_a_page_later(user, clock):
    for n in range(1, PAGE_SIZE + 11):
        await user.add(f"Film {n:03}")
        clock.tick()
    link = show_more_link(await user.get("/"))
    await user.add("A newcomer")
    assert titles(await user.get(link)) == [f"Film {n:03}" for n in range(10, 0, -1)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Our Home Movie", "Nine Queens", "Heathers", "2001: A Space Odyssey", "Dune", "Amélie", "Heat"]),
        (
            "sort=title",
            ["2001: A Space Odyssey", "Amélie", "Dune", "Heat", "Heathers", "Nine Queens", "Our Home Movie"],
        ),
        ("sort=year", ["Amélie", "Nine Queens", "Heat", "Heathers", "Dune", "2001: A Space Odyssey", "Our Home Movie"]),
        (
            "sort=runtime",
            ["Heathers", "Nine Queens", "Amélie", "Dune", "2001: A Space Odyssey", "Heat", "Our Home Movie"],
        ),
        ("genre=Comedy", ["Heathers", "Amélie"]),
        ("genre=Crime&length=120", ["Nine Queens", "Heathers"]),
        ("sort=title&decade=1980s", ["Dune", "Heathers"]),
        ("q=heat", ["Heathers", "Heat"]),
        ("q=AMELIE", ["Amélie"]),
        ("q=space+odyssey&genre=Sci-Fi", ["2001: A Space Odyssey"]),
        ("genre=Western", []),
    ],
)
async def test_the_watchlist_sorts_and_filters_as_its_query_string_says(films_listed, query, expected):
    page = await films_listed.get(f"/?{query}")
    assert titles(page) == expected
    if not expected:
        assert "No film on your watchlist matches these filters." in page.text


async def test_the_controls_show_the_view_the_url_names(films_listed):
    page = (await films_listed.get("/?sort=year&q=he&genre=Crime&decade=1990s&length=120")).text
    assert '<option value="year" selected>' in page
    assert "<option selected>Crime</option>" in page
    assert '<option value="1990s" selected>' in page
    assert '<option value="120" selected>' in page
    assert 'name="q" value="he"' in page
    assert 'name="rated"' not in page, "ratings are the Watched list's"


async def test_the_watched_list_sorts_by_rating_and_date_watched_and_filters_by_rated(films_listed, clock):
    for title in ("Heat", "Dune", "Amélie"):
        await films_listed.post(f"/movies/{await films_listed.movie_id(title)}/watched")
        clock.tick()
    for title, rating in (("Heat", "3.5"), ("Amélie", "5")):
        await films_listed.post(f"/movies/{await films_listed.movie_id(title, '/watched')}/rating", {"rating": rating})
    assert titles(await films_listed.get("/watched")) == ["Amélie", "Dune", "Heat"]
    assert titles(await films_listed.get("/watched?sort=rating")) == ["Amélie", "Heat", "Dune"]
    assert titles(await films_listed.get("/watched?sort=title&rated=yes")) == ["Amélie", "Heat"]
    assert titles(await films_listed.get("/watched?rated=no")) == ["Dune"]


async def test_a_form_sent_without_javascript_lands_on_the_views_own_url(films_listed):
    response = await films_listed.get("/?q=&sort=title&genre=Comedy&decade=&length=")
    assert (response.status_code, response.headers["location"]) == (303, "/?sort=title&genre=Comedy")
    assert titles(await films_listed.get(response.headers["location"])) == ["Amélie", "Heathers"]
    default = await films_listed.get("/watched?sort=watched&q=")
    assert (default.status_code, default.headers["location"]) == (303, "/watched")


@pytest.mark.parametrize(
    "query", ["sort=shuffle", "sort=rating", "genre=Cooking", "decade=1860s", "decade=199", "length=45", "rated=yes"]
)
async def test_a_list_url_naming_what_does_not_exist_is_a_400_with_a_message(user, query):
    response = await user.get(f"/?{query}")
    assert response.status_code == 400
    assert BROKEN in text_of(response.text)


async def test_a_broken_show_more_link_is_a_400_not_a_500(user):
    for after in ("x", "12.abc", "x.12", "1" * 30 + ".5"):
        response = await user.get(f"/?after={after}")
        assert response.status_code == 400
        assert "Show more" in response.text and "broken" in response.text


async def test_the_navigation_counts_each_list_after_every_change(user):
    def counts(page_html: str) -> tuple[str, str]:
        return tuple(
            re.search(rf'id="count-{name}" class="count"[^>]*>([\d,]+)<', page_html).group(1)
            for name in ("watchlist", "watched")
        )

    await user.add("Heat")
    await user.add("Alien")
    assert counts((await user.get("/")).text) == ("2", "0")
    heat = await user.movie_id("Heat")
    crossed = await user.post(f"/movies/{heat}/watched", htmx=True)
    assert counts(crossed.text) == ("1", "1"), "htmx's answer brings the counts out-of-band"
    deleted = await user.post(f"/movies/{heat}/delete", htmx=True)
    assert counts(deleted.text) == ("1", "0")
    undo = re.search(r'name="undo" value="([^"]+)"', deleted.text).group(1)
    restored = await user.post("/movies/restore", {"undo": undo}, htmx=True)
    assert counts(restored.text) == ("1", "1")
    await user.post(f"/movies/{await user.movie_id('Heat', '/watched')}/unwatched")
    assert counts((await user.get("/watched")).text) == ("2", "0")


async def test_counts_stay_true_for_many_films_written_in_one_statement_for_two_people(user, make_visitor, app):
    await user.add("Heat")
    await (await make_visitor()).register("bob@example.com")

    async def counted() -> list[tuple[int, int]]:
        listed = select(users.c.watchlist_films, users.c.watched_films).order_by(users.c.id)
        return [tuple(row) for row in await connection.execute(listed)]

    async with app.state.db.engine.begin() as connection:
        ann, bob = (await connection.execute(select(users.c.id).order_by(users.c.id))).scalars()
        await connection.execute(
            insert(movies),
            [
                {"user_id": owner, "title": f"Film {n}", "title_key": f"film {n}", "watched": n % 3 == 0, "added_at": n}
                for owner in (ann, bob)
                for n in range(30)
            ],
        )
        assert await counted() == [(21, 10), (20, 10)]
        await connection.execute(movies.update().where(movies.c.title.like("Film 1%")).values(watched=True))
        assert await counted() == [(13, 18), (12, 18)], "a film already watched is not counted twice"
        await connection.execute(movies.delete().where(movies.c.user_id == bob, movies.c.title.like("Film 2%")))
        assert await counted() == [(13, 18), (4, 15)]
        await connection.execute(users.delete().where(users.c.id == bob))
        assert await counted() == [(13, 18)]


async def test_past_the_cap_an_add_is_refused_with_a_message_and_nothing_is_added(make_settings_app, make_visitor):
    app = await make_settings_app(max_films_per_user="2")
    from httpx import ASGITransport, AsyncClient
    from support import Visitor

    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver") as client:
        ann = Visitor(client)
        await ann.register("ann@example.com")
        await ann.add("Heat")
        await ann.add("Alien")
        response = await ann.add("Brazil")
        page = await ann.get("/")
        assert response.status_code == 303
        assert flashes(page.text)[-1:] == [
            "Your lists hold 2 films, as many as this FlickList keeps for one person. Delete some to add more."
        ]
        assert titles(page) == ["Alien", "Heat"]


def plan_of(rows) -> str:
    return "\n".join(" ".join(str(cell) for cell in row) for row in rows)


FILTERS = ["", "q=heat", "genre=Drama", "decade=1990s", "length=120", "genre=Crime&length=100&q=he", "after=5.5"]


@pytest.mark.parametrize("watched", [False, True], ids=["watchlist", "watched"])
async def test_every_sort_and_filter_reads_its_index_in_order_with_no_sort_step(app, watched):
    """Each sort's page is read from its index in order: no sort of the user's rows, on either database."""
    from starlette.datastructures import QueryParams

    db = app.state.db
    checked = 0
    for sort in SORTS.values():
        if sort.watched_only and not watched:
            continue
        for filters in FILTERS + (["rated=yes", "rated=no"] if watched else []):
            query = f"sort={sort.name}&{filters}"
            if "after" in filters and sort.name == "title":
                query = query.replace("after=5.5", "after=5.heat")
            view = read_view(QueryParams(query), watched)
            sql, parameters = db.sql_and_values(view.statement(), {"user_id": 1, **view.values()})
            async with db.engine.connect() as connection:
                driver = (await connection.get_raw_connection()).driver_connection
                if POSTGRES_URL:
                    await driver.execute("SET enable_seqscan = off")
                    plan = plan_of(await driver.fetch(f"EXPLAIN {sql}", *parameters))
                    assert not re.search(r"^\s*(->\s*)?(Incremental )?Sort\b", plan, re.M), f"{query}:\n{plan}"
                else:
                    cursor = await driver.execute(f"EXPLAIN QUERY PLAN {sql}", parameters)
                    plan = plan_of(await cursor.fetchall())
                    assert "TEMP B-TREE" not in plan, f"{query}:\n{plan}"
                assert f"ix_movies_list_{sort.name}" in plan, f"{query}:\n{plan}"
            checked += 1
    assert checked == (6 * 9 if watched else 4 * 7)


async def test_linking_a_typed_title_to_a_film_gives_it_the_films_year_to_sort_by(user, catalog, app):
    await user.add("Heat (1986)")  # names one film: linked at once
    await user.add("My Own Heat")
    async with app.state.db.engine.connect() as connection:
        rows = (
            await connection.execute(text("SELECT title, list_year, runtime, genres FROM movies ORDER BY id"))
        ).all()
    assert [tuple(row) for row in rows] == [
        ("Heat", 1986, 101, "Action,Crime,Thriller"),
        ("My Own Heat", None, None, ""),
    ]


async def test_films_ticked_are_crossed_off_together_and_one_undo_puts_them_all_back(user):
    for title in ("Heat", "Alien", "Brazil", "Zodiac"):
        await user.add(title)
    ticked = [await user.movie_id(title) for title in ("Heat", "Brazil", "Zodiac")]
    response = await user.post("/movies/bulk", {"action": "watched", "movie": ticked}, htmx=True)
    assert all(f'<li id="movie-{movie_id}" hx-swap-oob="delete"></li>' in response.text for movie_id in ticked)
    assert flashes(response.text) == ["Crossed off 3 films."]
    assert titles(await user.get("/")) == ["Alien"]
    assert sorted(titles(await user.get("/watched"))) == ["Brazil", "Heat", "Zodiac"]
    assert len(texts_of_class((await user.get("/diary")).text, "diary-entry")) == 3
    undo = re.search(r'action="/movies/bulk/undo".*?name="undo" value="([^"]+)"', response.text, re.S).group(1)
    back = await user.post("/movies/bulk/undo", {"undo": undo, "back": "/?sort=title"})
    assert (back.status_code, back.headers["location"]) == (303, "/?sort=title")
    assert titles(await user.get("/?sort=title")) == ["Alien", "Brazil", "Heat", "Zodiac"]
    assert texts_of_class((await user.get("/diary")).text, "diary-entry") == [], "the viewings the bulk logged go too"


async def test_films_ticked_are_deleted_together_with_their_diary_and_one_undo_restores_them(user):
    for title in ("Heat", "Alien", "Brazil"):
        await user.add(title)
    heat, alien = await user.movie_id("Heat"), await user.movie_id("Alien")
    await user.post(f"/movies/{heat}/watched")
    await user.post(f"/movies/{alien}/watched")
    response = await user.post("/movies/bulk", {"action": "delete", "movie": [heat, alien]})
    assert (response.status_code, response.headers["location"]) == (303, "/")
    page = await user.get("/watched")
    assert titles(page) == [] and flashes(page.text)[-1:] == ["Deleted 2 films."]
    undo = re.search(r'name="undo" value="([^"]+)"', page.text).group(1)
    await user.post("/movies/restore", {"undo": undo})
    assert sorted(titles(await user.get("/watched"))) == ["Alien", "Heat"]
    assert len(texts_of_class((await user.get("/diary")).text, "diary-entry")) == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"action": "delete"}, "Tick the films first, then choose what to do with them."),
        ({"action": "burn", "movie": "1"}, "Choose what to do with the films you ticked."),
        ({"action": "delete", "movie": "abc"}, "Tick at most 500 films at a time."),
        ({"action": "delete", "movie": [str(n) for n in range(501)]}, "Tick at most 500 films at a time."),
    ],
)
async def test_a_bulk_form_that_names_nothing_to_do_is_a_422_and_changes_nothing(user, fields, message):
    await user.add("Heat")
    response = await user.post("/movies/bulk", fields, htmx=True)
    assert response.status_code == 422 and flashes(response.text) == [message]
    assert titles(await user.get("/")) == ["Heat"]


async def test_bulk_actions_never_touch_another_persons_films(user, make_visitor):
    await user.add("Heat")
    heat = await user.movie_id("Heat")
    bea = await make_visitor()
    await bea.register("bea@example.com")
    response = await bea.post("/movies/bulk", {"action": "delete", "movie": heat}, htmx=True)
    assert response.status_code == 404
    assert titles(await user.get("/")) == ["Heat"]


async def test_an_undone_delete_comes_back_in_its_place_in_the_sort_being_looked_at(user):
    for title in ("Alien", "Brazil", "Casablanca", "Dune"):
        await user.add(title)
    casablanca, dune = await user.movie_id("Casablanca"), await user.movie_id("Dune")
    on_the_page = {"HX-Current-URL": "http://testserver/?sort=title"}
    deleted = await user.post(f"/movies/{casablanca}/delete", htmx=True, headers=on_the_page)
    undo = re.search(r'name="undo" value="([^"]+)"', deleted.text).group(1)
    restored = await user.post("/movies/restore", {"undo": undo}, htmx=True, headers=on_the_page)
    assert f'data-place-before="movie-{dune}"' in restored.text
    last = await user.post(f"/movies/{dune}/delete", htmx=True, headers=on_the_page)
    undo = re.search(r'name="undo" value="([^"]+)"', last.text).group(1)
    restored = await user.post("/movies/restore", {"undo": undo}, htmx=True, headers=on_the_page)
    assert 'data-place-before=""' in restored.text, "the last in the sort goes last"


async def test_without_javascript_undo_after_crossing_off_returns_to_the_page_it_was_clicked_on(user):
    await user.add("Heat")
    await user.post(f"/movies/{await user.movie_id('Heat')}/watched")
    page = (await user.get("/?sort=title")).text
    form = re.search(r'<form class="inline flash-action".*?</form>', page, re.S).group()
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
    assert html.unescape(fields["back"]) == "/?sort=title"
    action = re.search(r'action="([^"]+)"', form).group(1)
    response = await user.post(action, {name: html.unescape(value) for name, value in fields.items()})
    assert (response.status_code, response.headers["location"]) == (303, "/?sort=title")
    assert titles(await user.get("/")) == ["Heat"]


async def test_pick_one_for_tonight_is_a_film_from_the_watchlist_within_the_filters(films_listed):
    seen = set()
    for _ in range(30):
        seen.update(texts_of_class((await films_listed.get("/pick?length=120")).text, "pick-film"))
    assert seen and all(("Heathers" in shown or "Nine Queens" in shown) for shown in seen)
    assert len(seen) == 2, "another pick can be another film"
    another = await films_listed.get("/pick?genre=Romance", htmx=True)
    assert "<html" not in another.text and "Amélie" in text_of(another.text)
    nothing = await films_listed.get("/pick?genre=Western")
    assert "Nothing on your watchlist matches these filters." in text_of(nothing.text)
    watch = re.search(r'<form action="(/movies/\d+/watched)"', another.text).group(1)
    await films_listed.post(watch)
    assert "Amélie" in titles(await films_listed.get("/watched"))
