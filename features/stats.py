"""/stats: a person's year in film, or all of it, at a glance: charts drawn on the server as
SVG (no script), each with a summary and its numbers as a table, beside the figures
themselves."""

from datetime import date

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..diary.ratings import spoken
from ..stats.charts import column_chart, row_chart
from ..stats.figures import MONTHS, Figures
from ..web.rendering import page
from ..whole_numbers import whole_number

FULL_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")  # fmt: skip


def read_year(text: str) -> int | None:
    if not text:
        return None
    if (year := whole_number(text, 1870, date.today().year + 1)) is None:
        raise HTTPException(400, "Choose a year from the list: that one is not a year FlickList can show.")
    return year


def drawn(halves: int) -> str:
    """Under a rating's bar: "½", "1", "1½" … "5"."""
    return f"{halves // 2 or ''}{'½' if halves % 2 else ''}"


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def most(items: list[tuple[str, int]], describe) -> str:
    label, count = max(items, key=lambda item: item[1])
    return f"most {describe(label)} ({count:,})" if count else "none yet"


def charts(found: Figures) -> list:
    if found.year is None:
        periods = [(year, f"'{year[2:]}" if len(found.periods) > 6 else year, count) for year, count in found.periods]
        period_title, period = "Films watched per year", "Year"
    else:
        periods = [(FULL_MONTHS[number], MONTHS[number], count) for number, (_, count) in enumerate(found.periods)]
        period_title, period = f"Films watched per month, {found.year}", "Month"
    ratings = [(spoken(halves), drawn(halves), count) for halves, count in found.ratings]
    rated = sum(count for _, count in found.ratings)
    decades = [(f"{decade}s", count) for decade, count in found.decades]
    return [
        column_chart(
            "per-period",
            period_title,
            (period, "Viewings"),
            periods,
            f"{plural(found.viewings, 'viewing')}; "
            + most([(label, n) for label, _, n in periods], lambda m: f"in {m}")
            if periods
            else "No viewings yet.",
        ),
        column_chart(
            "ratings",
            "Ratings given, in half stars",
            ("Rating", "Viewings rated so"),
            ratings,
            f"{plural(rated, 'rating')}; " + most([(label, n) for label, _, n in ratings], lambda r: f"often {r}"),
        ),
        row_chart(
            "decades",
            "Decades of the films",
            ("Decade", "Viewings"),
            decades,
            most(decades, lambda d: f"from the {d}") if decades else "No film with a known year yet.",
        ),
        row_chart(
            "genres",
            "Genres of the films",
            ("Genre", "Viewings"),
            found.genres,
            most(found.genres, lambda g: f"often {g}") if found.genres else "No film with known genres yet.",
        ),
    ]


async def stats_page(request: Request) -> Response:
    year = read_year(request.query_params.get("year", ""))
    user = request.state.user
    found = await request.app.state.stats.get(request.app.state.db, user.id, year)
    context = {"figures": found, "charts": charts(found), "hours": found.minutes / 60}
    return page(request, "templates/stats.html", context)


routes = [Route("/stats", stats_page)]
