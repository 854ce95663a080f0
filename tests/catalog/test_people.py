"""People and alternate titles: IMDb's title.principals, title.crew, name.basics and title.akas
loaded for the catalog's films only, a reload replacing what is in use, a bad file stopping the
load with where and why and nothing changed, and the film and person pages that show them,
each person's marks their own."""

import gzip
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from support import DATA, text_of

from flicklist.catalog import load_record
from flicklist.catalog.imdb_files import BadFile, datasets_in
from flicklist.catalog.load import load_catalog
from flicklist.catalog.load_record import AnotherLoad
from flicklist.catalog.people_load import UNDER_WAY, NoFilms, load_people
from flicklist.tables import film_akas, film_credits, films, people

PEOPLE_FILES = ("title.principals", "title.crew", "name.basics", "title.akas")


def people_files(folder: Path = DATA) -> dict[str, Path]:
    found = datasets_in([folder])
    return {name: path for name, path in found.items() if name in PEOPLE_FILES}


async def load_everything(db) -> None:
    await load_catalog(db, DATA / "title.basics.tsv", DATA / "title.ratings.tsv")
    await load_people(db, people_files())


async def film_id(db, imdb_id: str) -> int:
    return (await db.fetch_all(select(films.c.id).where(films.c.imdb_id == imdb_id)))[0][0]


async def table_counts(db) -> dict[str, int]:
    counts = {}
    for table in (film_credits, film_akas, people):
        counts[table.name] = (await db.fetch_all(select(func.count()).select_from(table)))[0][0]
    return counts


def copy_of_data(tmp_path: Path, **replaced: str) -> Path:
    """The test data's people files in a folder of their own, some replaced by `replaced`
    (title_principals="…" is title.principals.tsv's whole text)."""
    for name in PEOPLE_FILES:
        target = tmp_path / f"{name}.tsv"
        if (text := replaced.get(name.replace(".", "_"))) is not None:
            target.write_text(text, encoding="utf-8")
        else:
            shutil.copy(DATA / f"{name}.tsv", target)
    return tmp_path


async def test_a_films_page_names_its_director_writers_and_cast_with_their_parts(app, user):
    await load_everything(app.state.db)
    heat = await film_id(app.state.db, "tt0000101")
    page = (await user.get(f"/films/{heat}")).text
    said = text_of(page)
    assert "Directed by Michael Mann" in said and "Written by Michael Mann" in said
    cast = said[said.index("Cast") :]
    assert cast.index("Al Pacino as Lt. Vincent Hanna") < cast.index("Robert De Niro as Neil McCauley")
    assert cast.index("Robert De Niro") < cast.index("Val Kilmer as Chris Shiherlis"), "in IMDb's billing order"
    assert 'href="/people/1"' in page, "each name leads to the person's page"
    amelie = text_of((await user.get(f"/films/{await film_id(app.state.db, 'tt0000106')}")).text)
    assert "Written by Jean-Pierre Jeunet, Guillaume Laurent" in amelie, "title.crew's writers too"
    assert "Die fabelhafte Welt der Amélie (DE)" in amelie and "Amélie (US)" in amelie


async def test_only_the_catalogs_films_and_the_people_they_credit_are_kept(app, user):
    await load_everything(app.state.db)
    kept = {row[0] for row in await app.state.db.fetch_all(select(people.c.name))}
    assert "Denis Villeneuve" in kept
    assert "An Episode Actor" not in kept, "a TV episode's cast is not kept"
    assert "Nobody In These Films" not in kept
    assert (await user.get("/people/22")).status_code == 404
    assert (await table_counts(app.state.db))["film_akas"] == 11, "the episode's alternate title left out"


async def test_a_persons_page_lists_their_films_by_part_newest_first_marked_as_this_user_has_them(
    app, user, make_visitor
):
    await load_everything(app.state.db)
    dune = await film_id(app.state.db, "tt0000108")
    await user.post("/movies", {"film": str(dune)})
    await user.post("/movies", {"film": str(await film_id(app.state.db, "tt0000114"))})
    entry = (await user.get(f"/films/{dune}")).text
    movie_id = entry.split("/movies/")[1].split("/")[0]
    await user.post(f"/movies/{movie_id}/watched")
    page = text_of((await user.get("/people/11")).text)
    assert "Denis Villeneuve born 1967" in page and "Director, writer, producer" in page
    assert "You have seen 1 of 3." in page
    directed = page[page.index("Directed") : page.index("Wrote")]
    assert directed.index("Dune: Part Two (2024)") < directed.index("Dune (2021)") < directed.index("Blade Runner 2049")
    assert "Dune (2021) Seen" in directed and "Blade Runner 2049 (2017) On your watchlist" in directed
    wrote = page[page.index("Wrote") :]
    assert "Dune: Part Two (2024)" in wrote and "Blade Runner" not in wrote, "a part holds only its films"

    bob = await make_visitor()
    await bob.register("bob@example.com")
    theirs = text_of((await bob.get("/people/11")).text)
    assert "You have seen 0 of 3." in theirs and "Seen" not in theirs.split("Films")[1], "marks are each person's own"


async def test_a_persons_films_sort_by_imdb_rating_and_an_unknown_sort_is_refused(app, user):
    await load_everything(app.state.db)
    by_year = text_of((await user.get("/people/21")).text)
    assert by_year.index("Heat (1995) as Lauren Gustafson") < by_year.index("Léon: The Professional (1994)")
    by_rating = text_of((await user.get("/people/21?sort=rating")).text)
    assert by_rating.index("Léon: The Professional (1994) as Mathilda IMDb 8.5") < by_rating.index("Heat (1995)")
    refused = await user.get("/people/21?sort=name")
    assert refused.status_code == 400 and "sorted by year or rating" in text_of(refused.text)
    assert (await user.get("/people/999999")).status_code == 404


async def test_a_reload_replaces_the_credits_in_use_and_leaves_no_old_rows(app, user, tmp_path):
    await load_everything(app.state.db)
    before = await table_counts(app.state.db)
    assert "Heat" not in text_of((await user.get("/people/10")).text)
    principals = (DATA / "title.principals.tsv").read_text(encoding="utf-8")
    recast = principals.replace('nm0000002\tactor\t\\N\t["Lt. Vincent Hanna"]', 'nm0000010\tactor\t\\N\t["Hanna"]')
    await load_people(app.state.db, people_files(copy_of_data(tmp_path, title_principals=recast)))
    heat = text_of((await user.get(f"/films/{await film_id(app.state.db, 'tt0000101')}")).text)
    assert "Kyle MacLachlan as Hanna" in heat and "Al Pacino" not in heat
    assert "Heat (1995) as Hanna" in text_of((await user.get("/people/10")).text), "the person's page follows"
    assert await table_counts(app.state.db) == {**before, "people": before["people"] - 1}, "Al Pacino is no one's now"


async def test_a_persons_page_shows_a_films_new_title_after_the_films_are_loaded_again(app, user, tmp_path):
    await load_everything(app.state.db)
    assert "Dune (2021)" in text_of((await user.get("/people/11")).text)
    basics = (DATA / "title.basics.tsv").read_text(encoding="utf-8")
    renamed = tmp_path / "title.basics.tsv"
    dune = basics.replace("tt0000108\tmovie\tDune\t", "tt0000108\tmovie\tDune: Part One\t")
    renamed.write_text(dune, encoding="utf-8")
    await load_catalog(app.state.db, renamed, DATA / "title.ratings.tsv")
    page = text_of((await user.get("/people/11")).text)
    assert "Dune: Part One (2021)" in page and "Dune (2021)" not in page


async def test_a_load_of_one_file_keeps_what_the_others_gave(app, user):
    await load_everything(app.state.db)
    before = await table_counts(app.state.db)
    await load_people(app.state.db, {"title.crew": DATA / "title.crew.tsv"})
    assert await table_counts(app.state.db) == before
    amelie = text_of((await user.get(f"/films/{await film_id(app.state.db, 'tt0000106')}")).text)
    assert "Audrey Tautou as Amélie Poulain" in amelie and "Guillaume Laurent" in amelie


BAD_FILES = [
    ("title_principals", "tconst\tordering\tnconst\tcategory\tjob\n", "line 1: expected the columns"),
    ("title_principals", "tconst\tordering\tnconst\tcategory\tjob\tcharacters\ntt0000101\t1\tnm1\tactor\n", "line 2"),
    (
        "title_principals",
        "tconst\tordering\tnconst\tcategory\tjob\tcharacters\ntt0000101\t1\tnm1\tactor\t\\N\t[Hanna\n",
        "characters must be a JSON list",
    ),
    ("title_crew", "tconst\tdirectors\twriters\ntt0000101\tMann\t\\N\n", "nconst must look like nm0000229"),
    (
        "name_basics",
        "nconst\tprimaryName\tbirthYear\tdeathYear\tprimaryProfession\tknownForTitles\nnm1\tA\tx\t\\N\t\\N\t\\N\n",
        "birthYear",
    ),
    (
        "title_akas",
        "titleId\tordering\ttitle\tregion\tlanguage\ttypes\tattributes\tisOriginalTitle\ntt0000101\t1\tHeat\tUS\t\\N\t\\N\t\\N\t2\n",
        "isOriginalTitle",
    ),
]


@pytest.mark.parametrize(("name", "content", "reason"), BAD_FILES)
async def test_a_bad_file_stops_the_load_saying_where_and_changes_nothing(app, user, tmp_path, name, content, reason):
    await load_everything(app.state.db)
    before = await table_counts(app.state.db)
    heat_url = f"/films/{await film_id(app.state.db, 'tt0000101')}"
    page_before = text_of((await user.get(heat_url)).text)
    with pytest.raises(BadFile) as refused:
        await load_people(app.state.db, people_files(copy_of_data(tmp_path, **{name: content})))
    assert f"{name.replace('_', '.')}.tsv, line" in str(refused.value) and reason in str(refused.value)
    assert await table_counts(app.state.db) == before
    assert text_of((await user.get(heat_url)).text) == page_before


async def test_a_truncated_gzip_stops_the_load_and_changes_nothing(app, tmp_path):
    await load_everything(app.state.db)
    before = await table_counts(app.state.db)
    whole = gzip.compress((DATA / "title.principals.tsv").read_bytes() * 50)
    (tmp_path / "title.principals.tsv.gz").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(BadFile, match=r"title\.principals\.tsv\.gz, line .*ends early or is damaged"):
        await load_people(app.state.db, {"title.principals": tmp_path / "title.principals.tsv.gz"})
    assert await table_counts(app.state.db) == before


async def test_a_typed_entry_has_no_cast_and_crew(app, user):
    await load_everything(app.state.db)
    await user.add("A Film Nobody Catalogued")
    page = (await user.get("/")).text
    movie_id = page.split('id="movie-')[1].split('"')[0]
    typed = text_of((await user.get(f"/movies/{movie_id}")).text)
    assert "Cast and crew" not in typed and "Typed by you" in typed


async def test_a_persons_films_not_on_the_lists_are_added_to_the_watchlist_after_a_confirmation(app, user):
    await load_everything(app.state.db)
    await user.post("/movies", {"film": str(await film_id(app.state.db, "tt0000114"))})
    page = text_of((await user.get("/people/11")).text)
    assert "Add the 2 films not on your lists to your watchlist…" in page
    asked = text_of((await user.get("/people/11/add-films")).text)
    assert "2 films not on your lists yet:" in asked and "Dune: Part Two (2024)" in asked and "Dune (2021)" in asked
    assert "Blade Runner" not in asked.split("yet:")[1], "a film on the lists already is left as it is"
    assert text_of((await user.get("/")).text).count("Dune") == 0, "nothing added before the confirmation"
    done = await user.post("/people/11/add-films")
    assert done.status_code == 303 and done.headers["location"] == "/people/11"
    after = text_of((await user.get("/people/11")).text)
    assert "Added 2 of Denis Villeneuve's films to your watchlist." in after
    assert after.count("On your watchlist") == 5 and "not on your lists" not in after, "3 films, 2 of them twice"
    watchlist = text_of((await user.get("/")).text)
    assert "Dune: Part Two" in watchlist and "Blade Runner 2049" in watchlist
    again = text_of((await user.get("/people/11/add-films")).text)
    assert "Every film of Denis Villeneuve's is on your lists already." in again


async def test_adding_a_persons_films_stops_when_the_lists_are_full_and_says_so(make_settings_app, visitor_of):
    app = await make_settings_app(max_films_per_user="2")
    await load_everything(app.state.db)
    ann = await visitor_of(app)
    await ann.register("ann@example.com")
    await ann.post("/people/11/add-films")
    said = text_of((await ann.get("/people/11")).text)
    assert "Added 2 of Denis Villeneuve's films. Your lists hold 2 films, as many as this FlickList keeps" in said
    assert said.count("On your watchlist") == 4, "the two newest, each directed and written"
    assert "Blade Runner 2049 (2017) IMDb" in said


async def watched(user, db, imdb_id: str) -> None:
    added = await user.post("/movies", {"film": str(await film_id(db, imdb_id))})
    assert added.status_code == 303
    page = (await user.get(f"/films/{await film_id(db, imdb_id)}")).text
    movie_id = page.split('href="/movies/')[1].split("/")[0]
    assert (await user.post(f"/movies/{movie_id}/watched")).status_code == 303


async def test_stats_name_the_most_watched_directors_and_actors_and_follow_a_reload(app, user, tmp_path):
    db = app.state.db
    await load_everything(db)
    for imdb_id in ("tt0000108", "tt0000109", "tt0000101"):
        await watched(user, db, imdb_id)
    page = (await user.get("/stats")).text
    said = text_of(page)
    directors = said[said.index("Most watched directors") : said.index("Most watched actors")]
    assert directors.index("Denis Villeneuve 2 films") < directors.index("Michael Mann 1 film")
    actors = said[said.index("Most watched actors") :]
    assert (
        actors.index("Timothée Chalamet 2 films") < actors.index("Zendaya 2 films") < actors.index("Al Pacino 1 film")
    )
    assert '<a href="/people/11">Denis Villeneuve</a>' in page
    principals = (DATA / "title.principals.tsv").read_text(encoding="utf-8").replace("nm0000013", "nm0000010")
    await load_people(db, people_files(copy_of_data(tmp_path, title_principals=principals)))
    again = text_of((await user.get("/stats")).text)
    assert "Kyle MacLachlan 2 films" in again and "Zendaya" not in again, "the figures follow the credits in use"


async def test_the_add_field_finds_a_film_by_a_title_it_has_elsewhere_and_shows_the_one_typed(app, user):
    await load_catalog(app.state.db, DATA / "title.basics.tsv", DATA / "title.ratings.tsv")
    before = text_of((await user.get("/films/search?q=die+fabelhafte", htmx=True)).text)
    assert "Amélie" not in before
    await load_people(app.state.db, {"title.akas": DATA / "title.akas.tsv"})
    found = text_of((await user.get("/films/search?q=die+fabelhafte", htmx=True)).text)
    assert "Die fabelhafte Welt der Amélie — Amélie2001 · 122 min" in found, "a new load of titles is searched at once"
    whole = text_of((await user.get("/films/search?q=Fogo+Contra+Fogo+1995", htmx=True)).text)
    assert whole.startswith("Fogo Contra Fogo — Heat1995 · 170 min")
    own = text_of((await user.get("/films/search?q=heat", htmx=True)).text)
    assert "—" not in own, "a film found by its own title shows that alone"
    added = await user.post("/movies", {"title": "Leon - Der Profi"})
    assert added.status_code == 303
    watchlist = text_of((await user.get("/")).text)
    assert "Léon: The Professional" in watchlist and "Der Profi" not in watchlist, "typed without JavaScript too"


async def test_the_lists_filter_by_who_directed_or_played_in_a_film(app, user):
    db = app.state.db
    await load_everything(db)
    for imdb_id in ("tt0000101", "tt0000108", "tt0000114", "tt0000115"):
        assert (await user.post("/movies", {"film": str(await film_id(db, imdb_id))})).status_code == 303
    await watched(user, db, "tt0000109")
    await user.get("/diary")  # where the banner saying it was watched is read
    villeneuve = text_of((await user.get("/?director=11")).text)
    assert "Directed by Denis Villeneuve" in villeneuve
    assert "Dune" in villeneuve and "Blade Runner 2049" in villeneuve and "Heat" not in villeneuve
    assert "Dune: Part Two" not in villeneuve, "watched: on the Watched list, not the watchlist"
    portman = await user.get("/?with=21&sort=title", htmx=True)
    titles = text_of(portman.text)
    assert titles.index("Heat") < titles.index("Léon") and "Dune" not in titles
    assert "Dune: Part Two" in text_of((await user.get("/watched?director=11")).text)
    assert "Dune" not in text_of((await user.get("/watched?with=21")).text)
    assert (await user.get("/?director=abc")).status_code == 400
    person_page = (await user.get("/people/11")).text
    assert 'href="/?director=11"' in person_page and 'href="/watched?director=11"' in person_page


async def test_a_films_page_crosses_it_off_and_rates_it_coming_back_to_the_page(app, user):
    db = app.state.db
    await load_everything(db)
    url = f"/films/{await film_id(db, 'tt0000110')}"
    assert (await user.post("/movies", {"film": url.rsplit("/", 1)[1]})).status_code == 303
    page = (await user.get(url)).text
    movie_id = page.split('action="/movies/')[1].split("/")[0]
    crossed = await user.post(f"/movies/{movie_id}/watched", {"back": url})
    assert crossed.status_code == 303 and crossed.headers["location"] == url
    after = text_of((await user.get(url)).text)
    assert "Crossed off '2001: A Space Odyssey'" in after and "On your Watched list" in after
    rated = await user.post(f"/movies/{movie_id}/rating", {"rating": "4.5", "back": url})
    assert rated.status_code == 303 and rated.headers["location"] == url
    shown = (await user.get(url)).text
    assert "Rated '2001: A Space Odyssey' 4.5 out of 5." in text_of(shown)
    assert 'aria-label="rated 4.5 stars"' in shown and 'value="4.5" checked' in shown


async def test_with_htmx_a_films_page_gets_back_its_own_part_after_each_change_never_a_list_row(
    app, user, make_visitor
):
    db = app.state.db
    await load_everything(db)
    film = await film_id(db, "tt0000110")
    on_page = {"HX-Request": "true", "HX-Current-URL": f"http://testserver/films/{film}"}
    added = await user.post("/movies", {"film": str(film)}, headers=on_page)
    assert added.status_code == 200 and 'id="film-state" hx-swap-oob="outerHTML"' in added.text
    assert "On your watchlist since" in text_of(added.text) and 'class="movie' not in added.text
    assert "Added '2001: A Space Odyssey' to your watchlist." in text_of(added.text)
    movie_id = added.text.split('action="/movies/')[1].split("/")[0]
    crossed = await user.post(f"/movies/{movie_id}/watched", headers=on_page)
    assert "On your Watched list" in text_of(crossed.text) and "I watched it!" not in crossed.text
    assert text_of(crossed.text).count("Your viewings") == 1 and "No viewings in your diary yet" not in crossed.text
    rated = await user.post(f"/movies/{movie_id}/rating", {"rating": "4.5"}, headers=on_page)
    assert 'aria-label="rated 4.5 stars"' in rated.text and 'value="4.5" checked' in rated.text
    again = await user.post("/movies", {"film": str(film)}, headers=on_page)
    assert again.status_code == 422 and "already on your Watched list" in text_of(again.text)
    assert 'id="film-state" hx-swap-oob="outerHTML"' in again.text

    bob = await make_visitor()
    await bob.register("bob@example.com")
    bobs = await bob.post("/movies", {"title": "Alien"}, headers=on_page)
    assert "Not on your lists." in text_of(bobs.text) and "rated" not in text_of(bobs.text)
    anns_entry = {"HX-Request": "true", "HX-Current-URL": f"http://testserver/movies/{movie_id}"}
    elsewhere = await bob.post("/movies", {"title": "Heat"}, headers=anns_entry)
    assert "Added 'Heat' to your watchlist." in text_of(elsewhere.text)
    assert "film-state" not in elsewhere.text and "2001" not in elsewhere.text


async def test_a_list_of_ones_own_filters_by_who_directed_or_played_in_its_films(app, user):
    db = app.state.db
    await load_everything(db)
    made = await user.post("/lists", {"name": "Favourites"})
    list_url = made.headers["location"]
    for imdb_id in ("tt0000101", "tt0000108", "tt0000114", "tt0000115"):
        added = await user.post(
            "/lists/films", {"list": list_url.rsplit("/", 1)[1], "film": await film_id(db, imdb_id)}
        )
        assert added.status_code == 303
    await user.get(list_url)  # where the banners saying they were added are read
    villeneuve = text_of((await user.get(f"{list_url}?director=11")).text)
    assert "Directed by Denis Villeneuve" in villeneuve
    assert "Dune" in villeneuve and "Blade Runner 2049" in villeneuve and "Heat" not in villeneuve
    portman = text_of((await user.get(f"{list_url}?with=21&sort=title")).text)
    assert "With Natalie Portman" in portman and portman.index("Heat") < portman.index("Léon")
    assert "Dune" not in portman.split("With Natalie Portman")[1]
    assert (await user.get(f"{list_url}?with=x")).status_code == 400


async def test_odd_values_in_the_people_files_are_refused_naming_the_line(app, tmp_path):
    await load_everything(app.state.db)
    before = await table_counts(app.state.db)
    header = "tconst\tordering\tnconst\tcategory\tjob\tcharacters\n"
    odd = {
        '["\\ud800"]': "characters must be a JSON list of names",
        "[" * 100_000: "characters must be a JSON list of names",
        '["A\\u0000B"]': "characters must be a JSON list of names",
    }
    for characters, reason in odd.items():
        bad = tmp_path / "title.principals.tsv"
        bad.write_text(f"{header}tt0000101\t1\tnm0000001\tactor\t\\N\t{characters}\n", encoding="utf-8")
        with pytest.raises(BadFile, match=f"^title.principals.tsv, line 2: {reason}"):
            await load_people(app.state.db, {"title.principals": bad})
    bad.write_text(f"{header}tt0000101\t1000\tnm0000001\tactor\t\\N\t\\N\n", encoding="utf-8")
    with pytest.raises(BadFile, match="line 2: ordering must be a whole number below 1000"):
        await load_people(app.state.db, {"title.principals": bad})
    bad.write_bytes((header + "tt0000101\t1\tnm0000001\tac\x00tor\t\\N\t\\N\n").encode())
    with pytest.raises(BadFile, match="line 2: a NUL character"):
        await load_people(app.state.db, {"title.principals": bad})
    good_line = b"tt0000101\t1\tnm0000001\tactor\t\\N\t\\N\n"
    bad.write_bytes(header.encode() + good_line * 3000 + b"tt1\t1\tnm1\t\xff\t\\N\t\\N\n")
    with pytest.raises(BadFile, match="line 3002: not UTF-8 text"):
        await load_people(app.state.db, {"title.principals": bad})
    assert await table_counts(app.state.db) == before


async def test_files_with_windows_line_ends_and_a_byte_order_mark_load_as_imdbs_own(app, user, tmp_path):
    await load_catalog(app.state.db, DATA / "title.basics.tsv", DATA / "title.ratings.tsv")
    principals = (DATA / "title.principals.tsv").read_text(encoding="utf-8")
    windows = tmp_path / "title.principals.tsv"
    windows.write_bytes(("\ufeff" + principals.replace("\n", "\r\n")).encode())
    await load_people(app.state.db, {"title.principals": windows, "name.basics": DATA / "name.basics.tsv"})
    heat = text_of((await user.get(f"/films/{await film_id(app.state.db, 'tt0000101')}")).text)
    assert "Lauren Gustafson" in heat and "Gustafson\r" not in heat


async def test_people_before_any_film_are_refused_and_one_load_runs_at_a_time(app):
    with pytest.raises(NoFilms, match=r"load title\.basics first"):
        await load_people(app.state.db, {"name.basics": DATA / "name.basics.tsv"})
    await load_everything(app.state.db)
    async with app.state.db.connection() as connection:
        noted = await load_record.claim(connection, UNDER_WAY, "people (elsewhere)")
        with pytest.raises(AnotherLoad, match="Another load of people is under way"):
            await load_people(app.state.db, {"title.crew": DATA / "title.crew.tsv"})
        await load_record.release(connection, UNDER_WAY, noted)
    assert (await load_people(app.state.db, {"title.crew": DATA / "title.crew.tsv"})).credits == 34
