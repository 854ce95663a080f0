"""The watchlist: each user's own movies, to add, cross off, rate, put back and delete."""

from typing import Any, NamedTuple
from urllib.parse import urlsplit

from sqlalchemy import Executable, bindparam, delete, insert, literal_column, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..auth import safe_next
from ..catalog.films import CatalogFilm, film_by_id, only_film_named
from ..catalog.text import search_key
from ..diary.days import today
from ..diary.ratings import RATING_RULE, RATINGS
from ..diary.trash import take_back, throw_away
from ..diary.viewings import (
    LAST_WATCHED,
    LOG_CROSSED_OFF,
    MARK_WATCHED,
    NEWEST_FIRST,
    STORED_COLUMNS,
    THE_USERS_MOVIE,
    TIMES_WATCHED,
)
from ..lists.view import CHOICES, ListView, default_sort, read_page, read_view, row_after
from ..posters.fetcher import want_posters
from ..tables import films, movies, now, title_key, viewings
from ..web import convertors  # noqa: F401 (registers {…:row_id} for the routes below)
from ..web.flash import flash
from ..web.forms import clean_text, form_fields, refuse_form
from ..web.rendering import after_post, fragments, is_htmx, page, templates, wants_fragment

TITLE_MAX = 200
TERRIBLE_MOVIES = {
    title.casefold()
    for title in (
        "Gigli",
        "Star Wars Episode 1: Attack of the Clones",
        "Paul Blart: Mall Cop 2",
        "Nine Lives",
        "Starship Troopers",
    )
}
# The add form's limit (counted down near the end), and the list pages' default order.
templates.env.globals.update(title_max=TITLE_MAX, default_sort=default_sort)
NOT_ON_YOUR_LIST = "That movie is not on your list."
NOT_IN_CATALOG = "That film is not in the catalog (any more). Type its title instead."


def check_title(title: str, anyway: bool = False) -> str | None:
    """`title` as clean_text() left it; its casefold() (the stored key) may be longer ("ß": "ss").
    `anyway`: the person was warned off a terrible movie and insists."""
    if not title:
        return "Please specify the movie you want to add."
    if max(len(title), len(title.casefold())) > TITLE_MAX:
        return f"A title can be at most {TITLE_MAX} characters long."
    if title.casefold() in TERRIBLE_MOVIES and not anyway:
        return f"Trust me, you don't want to add '{title}' to your watchlist."
    return None


class ListedMovie(NamedTuple):
    """A movie as a list shows it: the row shape of `LISTED`, which the row partials unpack
    (`for id, title, rating, details, film_id, last_watched, times in movies`), so a whole list
    can stay the driver's plain tuples. `details` (year, runtime, genres) comes from the catalog
    film, if linked, else the year as typed; `rating` is in half stars; `last_watched` is the
    newest viewing's day and `times` how many viewings there are."""

    id: int
    title: str
    rating: int | None
    details: str | None = None
    film_id: int | None = None
    last_watched: str | None = None
    times: int = 0


# In RETURNING (no joins there) the film's details come by subquery; the list pages join.
LISTED = (
    movies.c.id,
    movies.c.title,
    movies.c.rating,
    # Written out: SQLAlchemy leaves RETURNING's columns unqualified, which would leave a
    # subquery built from table objects uncorrelated.
    literal_column(
        "COALESCE((SELECT films.details FROM films WHERE films.id = movies.film_id), CAST(movies.year AS VARCHAR(4)))"
    ),
    movies.c.film_id,
    LAST_WATCHED,
    TIMES_WATCHED,
)
INSERT_MOVIE = (
    insert(movies)
    .values(
        user_id=bindparam("user_id"),
        title=bindparam("new_title"),
        title_key=bindparam("new_title_key"),
        watched=bindparam("new_watched"),
        rating=bindparam("new_rating"),
        added_at=bindparam("now"),
        watched_at=bindparam("new_watched_at"),
        film_id=bindparam("film_id"),
        year=bindparam("new_year"),
        sort_title=bindparam("new_sort_title"),
    )
    .returning(*LISTED)
)
CROSS_OFF = MARK_WATCHED.returning(*LISTED)
UNDO_CROSS_OFF = delete(viewings).where(
    viewings.c.id == bindparam("viewing_id"),
    viewings.c.movie_id == bindparam("movie_id"),
    viewings.c.user_id == bindparam("user_id"),
)
PUT_BACK = update(movies).where(*THE_USERS_MOVIE).values(watched=False, watched_at=None).returning(*LISTED)
# A rating given on the Watched list is the film's, and the newest viewing's if that has none yet.
RATE_NEWEST_VIEWING = (
    update(viewings)
    .where(
        viewings.c.id
        == select(viewings.c.id)
        .where(viewings.c.movie_id == bindparam("movie_id"), viewings.c.user_id == bindparam("user_id"))
        .order_by(*NEWEST_FIRST)
        .limit(1)
        .scalar_subquery(),
        viewings.c.rating.is_(None),
    )
    .values(rating=bindparam("new_rating"))
)
RATE = update(movies).where(*THE_USERS_MOVIE).values(rating=bindparam("new_rating")).returning(*LISTED)
MOVIE_STORED = (
    movies.c.title,
    movies.c.year,
    movies.c.film_id,
    movies.c.watched,
    movies.c.rating,
    movies.c.added_at,
    movies.c.watched_at,
)
DELETE = delete(movies).where(*THE_USERS_MOVIE).returning(*MOVIE_STORED)
VIEWINGS_STORED = select(*STORED_COLUMNS).where(viewings.c.movie_id == bindparam("movie_id"))


ANY_FILM = select(films.c.id).limit(1)


async def has_catalog(request: Request) -> bool:
    """Whether a catalog is loaded: the add field searches it only then. Once one is, it stays
    (a load never removes films), so each process asks only until it sees one."""
    state = request.app.state
    if not getattr(state, "catalog_loaded", False):
        state.catalog_loaded = bool(await state.db.fetch_all(ANY_FILM))
    return state.catalog_loaded


async def list_page(request: Request, watched: bool, template: str, rows_partial: str, **context: Any) -> Response:
    """A page of a list in the view the query string asks for; for htmx's "Show more", only
    the next page's rows."""
    view = read_view(request.query_params, watched)
    if (canonical := view_url(request, view)) is not None:
        return canonical
    listed = await read_page(request.app.state.db, request.state.user.id, view)
    more = f"{request.url.path}?{view.query(after=listed.next_after)}" if listed.next_after else None
    context |= {"movies": listed.movies, "view": view, "more": more, "choices": CHOICES}
    if view.after and wants_fragment(request):
        return fragments(request, [rows_partial, "partials/show_more.html"], context)
    return with_view_url(request, page(request, template, context), view)


def with_view_url(request: Request, response: Response, view: ListView) -> Response:
    """htmx pushes the view's own URL to the history, not the form's every field."""
    if is_htmx(request):
        response.headers["HX-Push-Url"] = view_path(request, view)
    return response


def view_path(request: Request, view: ListView) -> str:
    return f"{request.url.path}?{view.query()}".removesuffix("?")


def view_url(request: Request, view: ListView) -> Response | None:
    """A plain GET whose query string is not the view's own (the controls form sends every
    field, empty ones too) goes to the view's URL, the one worth bookmarking."""
    if is_htmx(request) or request.url.query == view.query():
        return None
    return RedirectResponse(view_path(request, view), status_code=303)


async def watchlist(request: Request) -> Response:
    has = await has_catalog(request)
    return await list_page(request, False, "templates/watchlist.html", "partials/movie_rows.html", has_catalog=has)


async def watched_page(request: Request) -> Response:
    return await list_page(request, True, "templates/watched.html", "partials/watched_rows.html")


async def add(request: Request) -> Response:
    """Adds the catalog film picked (`film`), or the typed `title`: linked to a film when it
    names exactly one ("Heat (1995)"), else kept as typed."""
    fields = await form_fields(request, "title", "film", "anyway")
    typed, db = fields["title"], request.app.state.db
    picked = fields["film"]
    film = await film_by_id(db, int(picked)) if picked.isdigit() and len(picked) <= 9 else None
    form_context = {"has_catalog": await has_catalog(request)}
    if film is None and picked:
        errors = {"title": NOT_IN_CATALOG}
        return await refuse_form(request, "/", "partials/add_form.html", {"title": typed}, errors, form_context)
    title = film.title if film else clean_text(typed)
    error, action = check_title(title, anyway=fields["anyway"] == "1") or lists_full(request), None
    if error and title.casefold() in TERRIBLE_MOVIES:
        action = ("Add it anyway", "/movies", {"title": title, "anyway": "1"})
    if error is None and film is None:
        film = await only_film_named(db, title)
        title = film.title if film else title
    if error is None and (movie := await insert_movie(request, title, watched=False, film=film)) is None:
        error, action = await already_listed(request, title, film)
    if error:
        errors = {"title": error}
        return await refuse_form(request, "/", "partials/add_form.html", {"title": typed}, errors, form_context, action)
    flash(request, f"Added '{title}' to your watchlist.", "success")
    rows, placed = await rows_in_place(request, False, [movie])
    context = {"form": {}, "movies": [movie], "autofocus": True, **form_context, **placed}
    return await after_post(request, "/", ["partials/add_form.html", *rows], context)


def lists_full(request: Request) -> str | None:
    user, cap = request.state.user, request.app.state.settings.max_films_per_user
    if user.watchlist_films + user.watched_films < cap:
        return None
    return f"Your lists hold {cap:,} films, as many as this FlickList keeps for one person. Delete some to add more."


LISTED_AS = select(movies.c.id, movies.c.watched).where(
    movies.c.user_id == bindparam("user_id"), movies.c.title_key == bindparam("key")
)


async def already_listed(request: Request, title: str, film: CatalogFilm | None) -> tuple[str, tuple | None]:
    """What to say when the film is on a list already: which list; on the Watched list, with a
    button to watch it again (a new viewing, today)."""
    key = title_key(title, film.id if film else None)
    rows = await request.app.state.db.fetch_all(LISTED_AS, user_id=request.state.user.id, key=key)
    if not rows or not rows[0][1]:
        return f"'{title}' is already on your watchlist.", None
    again = ("Watch it again", f"/movies/{rows[0][0]}/log", {"rewatch": "on"})
    return f"'{title}' is already on your Watched list.", again


async def insert_movie(
    request: Request, title: str, watched: bool = False, film: CatalogFilm | None = None
) -> ListedMovie | None:
    """The new movie's row, or None when the title (or the film) is already on this user's list."""
    timestamp = now()
    values = {
        "user_id": request.state.user.id,
        "new_title": title,
        "new_title_key": title_key(title, film.id if film else None),
        "film_id": film.id if film else None,
        "new_year": None,
        "new_watched": watched,
        "new_rating": None,
        "now": timestamp,
        "new_watched_at": timestamp if watched else None,
        "new_sort_title": search_key(title),
    }
    if film:
        want_posters(request, [film.id])
    try:
        return await request.app.state.db.write_returning(INSERT_MOVIE, ListedMovie, **values)
    except IntegrityError:
        return None


async def rows_in_place(request: Request, watched: bool, rows: list[ListedMovie]) -> tuple[list[str], dict]:
    """Rows coming (back) onto the list the user is looking at, out-of-band, each marked with
    the row it goes before in that page's sort (static/app.js puts it there); none when that
    list is not on the page."""
    showing = urlsplit(request.headers.get("hx-current-url", ""))
    if showing.path != ("/watched" if watched else "/"):
        return [], {}
    try:
        view = read_view(QueryParams(showing.query), watched)
    except HTTPException:
        view = read_view(QueryParams(), watched)
    places = {row.id: await row_after(request.app.state.db, request.state.user.id, view, row.id) for row in rows}
    return ["partials/watched_row_added.html" if watched else "partials/movie_row_added.html"], {"places": places}


async def change_together(request: Request, *steps: tuple[Executable, dict[str, Any]]) -> list[Any]:
    """Run `steps` as one transaction on the URL's movie, the last returning its row (`LISTED`):
    each step's row, the last as a ListedMovie; a 404, and nothing changed, when the movie is
    not the user's."""
    ids = {"movie_id": request.path_params["movie_id"], "user_id": request.state.user.id}
    *rows, movie = await request.app.state.db.write_together(*((step, {**ids, **values}) for step, values in steps))
    if movie is None:
        raise HTTPException(404, NOT_ON_YOUR_LIST)
    return [*rows, ListedMovie(*movie)]


def logged_today() -> dict[str, Any]:
    """What "I watched it!" logs (LOG_CROSSED_OFF): a viewing today, no rating, review or tags."""
    return {"watched_on": today().isoformat(), "rating": None, "review": "", "tags": "", "now": now()}


async def cross_off(request: Request) -> Response:
    """ "I watched it!": onto the Watched list, with a viewing dated today in the diary."""
    logged = logged_today()
    viewing, movie = await change_together(request, (LOG_CROSSED_OFF, logged), (CROSS_OFF, {"now": logged["now"]}))
    if viewing is None:
        flash(request, f"'{movie.title}' is on your Watched list already.", "info")
        return await after_post(request, "/")
    undo = (f"/movies/{movie.id}/unwatched", {"viewing": str(viewing[0])})
    flash(request, f"Crossed off '{movie.title}'. Rate it on your Watched list.", "success", undo=undo)
    return await after_post(request, "/")


async def put_back(request: Request) -> Response:
    """Back onto the watchlist. From the banner's Undo after "I watched it!", the viewing that
    logged goes too; from the Watched list, the diary keeps every viewing."""
    viewing = (await form_fields(request, "viewing"))["viewing"]
    viewing_id = int(viewing) if viewing.isdigit() and len(viewing) <= 18 else None
    *_, movie = await change_together(request, (UNDO_CROSS_OFF, {"viewing_id": viewing_id}), (PUT_BACK, {}))
    flash(request, f"Put '{movie.title}' back on your watchlist.", "success")
    names, context = await rows_in_place(request, False, [movie])
    return await after_post(request, await back_to(request, "/watched"), names, {"movies": [movie], **context})


async def rate(request: Request) -> Response:
    rating = (await form_fields(request, "rating"))["rating"]
    if rating not in RATINGS:
        raise HTTPException(422, RATING_RULE)
    rated = {"new_rating": RATINGS[rating]}
    *_, movie = await change_together(request, (RATE_NEWEST_VIEWING, rated), (RATE, rated))
    flash(request, f"Rated '{movie.title}' {rating} out of 5.", "success")
    return await after_post(request, "/watched", ["partials/watched_rows.html"], {"movies": [movie]})


async def delete_movies(request: Request, connection: AsyncConnection, movie_ids: list[int]) -> tuple[list, str]:
    """Deletes those of `movie_ids` on the user's lists, with their viewings, into one trash
    entry: what was deleted, and the Undo token for all of it."""
    deleted = []
    for movie_id in movie_ids:
        ids = {"movie_id": movie_id, "user_id": request.state.user.id}
        logged = [dict(row._mapping) for row in await connection.execute(VIEWINGS_STORED, ids)]
        if (movie := (await connection.execute(DELETE, ids)).first()) is not None:
            deleted.append({"movie": dict(movie._mapping), "viewings": logged})
    return deleted, await throw_away(request, connection, {"movies": deleted}) if deleted else ""


async def remove(request: Request) -> Response:
    """Deletes the movie and its viewings, kept in the trash for the banner's Undo."""
    async with request.app.state.db.transaction() as connection:
        deleted, token = await delete_movies(request, connection, [request.path_params["movie_id"]])
    if not deleted:
        raise HTTPException(404, NOT_ON_YOUR_LIST)
    movie = deleted[0]["movie"]
    flash(request, f"Deleted '{movie['title']}'.", "success", undo=("/movies/restore", {"undo": token}))
    return await after_post(request, "/watched" if movie["watched"] else "/")


async def put_back_deleted(request: Request, connection: AsyncConnection, kept: dict[str, Any]) -> ListedMovie:
    """A deleted movie back on the list it was on, with its rating and its diary; 409 when
    it has been added again since."""
    movie, user_id = kept["movie"], request.state.user.id
    key = title_key(movie["title"], movie["film_id"], movie["year"])
    try:
        async with connection.begin_nested():
            values = {"user_id": user_id, "title_key": key, "sort_title": search_key(movie["title"]), **movie}
            movie_id = (await connection.execute(insert(movies).values(**values).returning(movies.c.id))).scalar_one()
    except IntegrityError:
        raise HTTPException(409, f"'{movie['title']}' is already on your list.") from None
    for viewing in kept["viewings"]:
        await connection.execute(insert(viewings).values(user_id=user_id, movie_id=movie_id, **viewing))
    return ListedMovie(*(await connection.execute(select(*LISTED).where(movies.c.id == movie_id))).one())


async def restore(request: Request) -> Response:
    """Undo a delete, of one movie or of several."""
    token = (await form_fields(request, "undo"))["undo"]
    async with request.app.state.db.transaction() as connection:
        contents = await take_back(request, connection, token)
        kept = contents.get("movies", [contents])  # a single movie's, as the trash held it before 0012
        listed = [await put_back_deleted(request, connection, movie) for movie in kept]
    flash(
        request, f"'{listed[0].title}' is back." if len(listed) == 1 else f"{len(listed):,} films are back.", "success"
    )
    watched = kept[0]["movie"]["watched"]
    names, context = await rows_in_place(request, watched, listed)
    default = "/watched" if watched else "/"
    return await after_post(request, await back_to(request, default), names, {"movies": listed, **context})


async def back_to(request: Request, default: str) -> str:
    """Where a plain form goes afterwards: the page the banner's button was on (its `back`
    field), else `default`."""
    back = (await form_fields(request, "back"))["back"]
    return safe_next(back) if back else default


MOVIE_URL = "/movies/{movie_id:row_id}"
routes = [
    Route("/", watchlist),
    Route("/watched", watched_page),
    Route("/movies", add, methods=["POST"]),
    Route("/movies/restore", restore, methods=["POST"]),
    Route(f"{MOVIE_URL}/watched", cross_off, methods=["POST"]),
    Route(f"{MOVIE_URL}/unwatched", put_back, methods=["POST"]),
    Route(f"{MOVIE_URL}/rating", rate, methods=["POST"]),
    Route(f"{MOVIE_URL}/delete", remove, methods=["POST"]),
]
