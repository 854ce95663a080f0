"""The stats page against a history whose every figure is known: viewings per month and per
year, ratings in half stars, hours, decades, genres, rewatches and the longest streak of
weeks, for a year and for all time; and the page follows the diary at once."""

import re

from support import text_of, texts_of_class


async def add_film(user, catalog: dict[str, int], imdb_id: str) -> int:
    await user.post("/movies", {"film": str(catalog[imdb_id])})
    page = (await user.get(f"/films/{catalog[imdb_id]}")).text
    return int(re.search(r'href="/movies/(\d+)/log"', page).group(1))


async def log(user, movie_id: int, day: str, rating: str = "", rewatch: bool = False) -> None:
    fields = {"watched_on": day, "rating": rating, **({"rewatch": "on"} if rewatch else {})}
    answer = await user.post(f"/movies/{movie_id}/log", fields)
    assert answer.status_code == 303, answer.text


async def known_history(user, catalog) -> dict[str, int]:
    heat, amelie = await add_film(user, catalog, "tt0000101"), await add_film(user, catalog, "tt0000106")
    dune, odyssey = await add_film(user, catalog, "tt0000108"), await add_film(user, catalog, "tt0000110")
    await user.add("Home Movie")
    home = await user.movie_id("Home Movie")
    await log(user, odyssey, "2024-12-30", "5")  # 149 min, 1968, Adventure, Sci-Fi
    await log(user, heat, "2025-01-06", "4.5")  # 170 min, 1995, Action, Crime, Drama
    await log(user, heat, "2025-01-14", "5", rewatch=True)
    await log(user, amelie, "2025-01-20", "4")  # 122 min, 2001, Comedy, Romance
    await log(user, dune, "2025-03-03", "4")  # 155 min, 2021, Action, Adventure, Drama
    await log(user, home, "2025-03-05")  # typed: no runtime, year or genres
    return {"heat": heat}


def figure(html: str, name: str) -> str:
    return text_of(re.search(rf'<dd id="figure-{name}">(.*?)</dd>', html).group(1))


async def test_a_year_in_film_counts_every_figure_of_a_known_history(user, catalog):
    await known_history(user, catalog)
    page = (await user.get("/stats?year=2025")).text
    assert "Your 2025 in film" in text_of(page)
    assert [figure(page, name) for name in ("viewings", "films", "hours", "rewatches", "streak")] == [
        "5", "4", "10.3", "1", "3 weeks",
    ]  # fmt: skip
    assert "Hours count the 4 of 5 viewings whose film's runtime is known." in text_of(page)
    assert "ran from the week of 6 Jan 2025 to the week of 20 Jan 2025" in text_of(page)
    rows = texts_of_class(page, "chart-row")
    months = ["January 3", "February 0", "March 2"] + [f"{month} 0" for month in ("April", "May", "June", "July")]
    months += [f"{month} 0" for month in ("August", "September", "October", "November", "December")]
    ratings = ["0.5 stars 0", "1 star 0", "1.5 stars 0", "2 stars 0", "2.5 stars 0", "3 stars 0", "3.5 stars 0"]
    ratings += ["4 stars 2", "4.5 stars 1", "5 stars 1"]
    decades = ["1990s 2", "2000s 1", "2020s 1"]
    genres = ["Action 3", "Drama 3", "Crime 2", "Adventure 1", "Comedy 1", "Romance 1"]
    assert rows == months + ratings + decades + genres
    summaries = texts_of_class(page, "hint")
    assert "5 viewings; most in January (3)" in summaries
    assert "4 ratings; most often 4 stars (2)" in summaries
    assert "most from the 1990s (2)" in summaries and "most often Action (3)" in summaries


async def test_all_time_counts_per_year_and_the_streak_across_new_year(user, catalog):
    await known_history(user, catalog)
    page = (await user.get("/stats")).text
    assert [figure(page, name) for name in ("viewings", "films", "hours", "rewatches", "streak")] == [
        "6", "5", "12.8", "1", "4 weeks",
    ]  # fmt: skip
    rows = texts_of_class(page, "chart-row")
    assert rows[:2] == ["2024 1", "2025 5"]
    assert rows[2:12][-3:] == ["4 stars 2", "4.5 stars 1", "5 stars 2"]
    assert rows[12:16] == ["1960s 1", "1990s 2", "2000s 1", "2020s 1"]
    assert "ran from the week of 30 Dec 2024 to the week of 20 Jan 2025" in text_of(page)
    assert re.findall(r'<a href="/stats\?year=(\d+)"', page) == ["2025", "2024"], "the years to choose from"


async def test_the_page_follows_the_diary_at_once(user, catalog):
    ids = await known_history(user, catalog)
    assert figure((await user.get("/stats?year=2025")).text, "viewings") == "5"
    await log(user, ids["heat"], "2025-02-02", "3", rewatch=True)
    page = (await user.get("/stats?year=2025")).text
    assert figure(page, "viewings") == "6" and figure(page, "rewatches") == "2"
    assert "February 1" in texts_of_class(page, "chart-row")


async def test_each_chart_is_an_svg_image_named_by_its_title_and_summary(user, catalog):
    await known_history(user, catalog)
    page = (await user.get("/stats?year=2025")).text
    charts = re.findall(r'<svg [^>]*role="img" aria-labelledby="([\w-]+)-title \1-summary"', page)
    assert charts == ["per-period", "ratings", "decades", "genres"]
    assert "<script" not in page.split("</head>")[1], "no chart script"
    assert ' style="' not in page, "no inline style (the CSP forbids it)"


async def test_stats_of_an_empty_diary_and_a_year_that_cannot_be(user):
    assert "Nothing in your diary yet." in text_of((await user.get("/stats")).text)
    assert (await user.get("/stats?year=1066")).status_code == 400
    assert (await user.get("/stats?year=twenty")).status_code == 400


async def test_stats_are_each_persons_own(user, catalog, make_visitor):
    await known_history(user, catalog)
    bob = await make_visitor()
    await bob.register("bob@example.com")
    assert "Nothing in your diary yet." in text_of((await bob.get("/stats")).text)
