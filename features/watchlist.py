"""The watchlist: each user's own movies, to add, cross off, rate, put back and delete."""

from typing import Any

from sqlalchemy import Executable, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..catalog.films import CatalogFilm, film_by_id, only_film_named
from ..catalog.people import names_of
from ..catalog.text import clean_text, stored_key
from ..diary.ratings import RATING_RULE, RATINGS
from ..diary.trash import UNDO_NOT_VALID
from ..diary.viewings import LOG_CROSSED_OFF, NEWEST_FIRST, THE_USERS_MOVIE
from ..friends.activity import friends_on_rows
from ..lists.changes import CROSS_OFF, LIKE, PUT_BACK, UNDO_CROSS_OFF, UNLIKE, delete_movies, logged_today
from ..lists.rows import NOT_ON_YOUR_LIST, RETURNED_COLUMNS, ListedMovie
from ..lists.titles import NOT_IN_CATALOG, TERRIBLE_MOVIES, check_title
from ..lists.view import CHOICES, read_page
from ..own_lists.store import lists_holding
from ..tables import movies, now, title_key, viewings
from ..web import convertors  # noqa: F401 (registers {…:row_id} for the routes below)
from ..web.catalog import has_catalog
from ..web.flash import flash
from ..web.forms import form_fields, refuse_form
from ..web.list_pages import requested_view, rows_in_place, view_url, with_view_url
from ..web.posters import want_posters
from ..web.redirects import back_to
from ..web.rendering import after_post, fragments, page, wants_fragment
from ..web.undo import from_trash, to_trash
from ..whole_numbers import row_id

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
    .returning(*RETURNED_COLUMNS)
)
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
RATE = update(movies).where(*THE_USERS_MOVIE).values(rating=bindparam("new_rating")).returning(*RETURNED_COLUMNS)


async def list_page(request: Request, watched: bool, template: str, rows_partial: str, **context: Any) -> Response:
    """A page of a list in the view the query string asks for; for htmx's "Show more", only
    the next page's rows."""
    view = requested_view(request.query_params, watched)
    if (canonical := view_url(request, view)) is not None:
        return canonical
    db, user_id = request.app.state.db, request.state.user.id
    listed = await read_page(db, user_id, view)
    more = f"{request.url.path}?{view.query(after=listed.next_after)}" if listed.next_after else None
    on_lists = {}
    if request.state.user.own_lists:  # a person without lists of their own is not asked
        on_lists = await lists_holding(db, user_id, [movie.id for movie in listed.movies])
    on_friends = await friends_on_rows(db, user_id, [movie.id for movie in listed.movies])
    context |= {"movies": listed.movies, "view": view, "more": more, "choices": CHOICES, "on_lists": on_lists}
    context["on_friends"] = on_friends
    if not view.after:
        context["people_named"] = await names_of(db, [view.director, view.actor])
    if view.after and wants_fragment(request):
        return fragments(request, [rows_partial, "partials/show_more.html"], context)
    return with_view_url(request, page(request, template, context), view)


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
    film = await film_by_id(db, film_id) if (film_id := row_id(picked)) else None
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
    return await after_post(request, await back_to(request, "/"), ["partials/add_form.html", *rows], context)


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
        "new_sort_title": stored_key(title),
    }
    if film:
        want_posters(request, [film.id])
    try:
        return await request.app.state.db.write_returning(INSERT_MOVIE, ListedMovie, **values)
    except IntegrityError:
        return None


async def change_together(
    request: Request, *steps: tuple[Executable, dict[str, Any]], missing: str = NOT_ON_YOUR_LIST
) -> list[Any]:
    """Run `steps` as one transaction on the URL's movie, the last returning its row:
    each step's row, the last as a ListedMovie; a 404 saying `missing`, and nothing changed,
    when the last step found no movie of the user's to change."""
    ids = {"movie_id": request.path_params["movie_id"], "user_id": request.state.user.id}
    *rows, movie = await request.app.state.db.write_together(*((step, {**ids, **values}) for step, values in steps))
    if movie is None:
        raise HTTPException(404, missing)
    return [*rows, ListedMovie(*movie)]


async def cross_off(request: Request) -> Response:
    """ "I watched it!": onto the Watched list, with a viewing dated today in the diary."""
    logged = logged_today()
    viewing, movie = await change_together(request, (LOG_CROSSED_OFF, logged), (CROSS_OFF, {"now": logged["now"]}))
    if viewing is None:
        flash(request, f"'{movie.title}' is on your Watched list already.", "info")
        return await after_post(request, "/")
    undo = (f"/movies/{movie.id}/unwatched", {"viewing": str(viewing[0])})
    flash(request, f"Crossed off '{movie.title}'. Rate it on your Watched list.", "success", undo=undo)
    return await after_post(request, await back_to(request, "/"))


async def put_back(request: Request) -> Response:
    """Back onto the watchlist. From the banner's Undo after "I watched it!", the viewing that
    logged goes too; from the Watched list, the diary keeps every viewing."""
    viewing = (await form_fields(request, "viewing"))["viewing"]
    viewing_id = row_id(viewing)
    if viewing and viewing_id is None:
        raise HTTPException(422, UNDO_NOT_VALID)
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
    redirect_to = await back_to(request, "/watched")
    return await after_post(request, redirect_to, ["partials/watched_rows.html"], {"movies": [movie]})


LIKE_CHOICES = {"yes": True, "no": False}
NOT_ON_YOUR_WATCHED_LIST = "That film is not on your Watched list: a heart goes to a film you have watched."


async def like(request: Request) -> Response:
    """The heart on a film of the Watched list, given (`liked=yes`) or taken back (`liked=no`):
    from its row, which changes in place, or from its page (the form's `back`)."""
    liked = LIKE_CHOICES.get((await form_fields(request, "liked"))["liked"])
    if liked is None:
        raise HTTPException(422, "Say whether you like the film: liked=yes or liked=no.")
    step = (LIKE, {"now": now()}) if liked else (UNLIKE, {})
    (movie,) = await change_together(request, step, missing=NOT_ON_YOUR_WATCHED_LIST)
    flash(request, f"{'Liked' if liked else 'Unliked'} '{movie.title}'.", "success")
    redirect_to = await back_to(request, "/watched")
    return await after_post(request, redirect_to, ["partials/watched_rows.html"], {"movies": [movie]})


async def remove(request: Request) -> Response:
    """Deletes the movie and its viewings, kept in the trash for the banner's Undo."""
    async with request.app.state.db.transaction() as connection:
        deleted = await delete_movies(connection, request.state.user.id, [request.path_params["movie_id"]])
        if not deleted:
            raise HTTPException(404, NOT_ON_YOUR_LIST)
        token = await to_trash(request, connection, "movies", deleted)
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
            values = {"user_id": user_id, "title_key": key, "sort_title": stored_key(movie["title"]), **movie}
            movie_id = (await connection.execute(insert(movies).values(**values).returning(movies.c.id))).scalar_one()
    except IntegrityError:
        raise HTTPException(409, f"'{movie['title']}' is already on your list.") from None
    for viewing in kept["viewings"]:
        await connection.execute(insert(viewings).values(user_id=user_id, movie_id=movie_id, **viewing))
    listed = select(*RETURNED_COLUMNS).where(movies.c.id == movie_id)
    return ListedMovie(*(await connection.execute(listed)).one())


async def restore(request: Request) -> Response:
    """Undo a delete, of one movie or of several."""
    token = (await form_fields(request, "undo"))["undo"]
    async with request.app.state.db.transaction() as connection:
        kept = await from_trash(request, connection, "movies", token)
        listed = [await put_back_deleted(request, connection, movie) for movie in kept]
    flash(
        request, f"'{listed[0].title}' is back." if len(listed) == 1 else f"{len(listed):,} films are back.", "success"
    )
    watched = kept[0]["movie"]["watched"]
    names, context = await rows_in_place(request, watched, listed)
    default = "/watched" if watched else "/"
    return await after_post(request, await back_to(request, default), names, {"movies": listed, **context})


MOVIE_URL = "/movies/{movie_id:row_id}"
routes = [
    Route("/", watchlist),
    Route("/watched", watched_page),
    Route("/movies", add, methods=["POST"]),
    Route("/movies/restore", restore, methods=["POST"]),
    Route(f"{MOVIE_URL}/watched", cross_off, methods=["POST"]),
    Route(f"{MOVIE_URL}/unwatched", put_back, methods=["POST"]),
    Route(f"{MOVIE_URL}/rating", rate, methods=["POST"]),
    Route(f"{MOVIE_URL}/like", like, methods=["POST"]),
    Route(f"{MOVIE_URL}/delete", remove, methods=["POST"]),
]
