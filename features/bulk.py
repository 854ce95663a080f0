"""Several films at once: those ticked on a list, deleted or crossed off together, with one Undo."""

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..diary.viewings import LOG_CROSSED_OFF
from ..lists.changes import CROSS_OFF, PUT_BACK, UNDO_CROSS_OFF, delete_movies, logged_today
from ..lists.rows import ListedMovie
from ..web.flash import flash
from ..web.forms import form_fields
from ..web.list_pages import rows_in_place
from ..web.redirects import back_to
from ..web.rendering import after_post
from ..web.undo import from_trash, to_trash
from ..whole_numbers import row_id

BULK_MAX = 500  # below the 1,000 fields a form may have
NOTHING_TICKED = "Tick the films first, then choose what to do with them."
NONE_LEFT = "None of the films ticked is on this list any more."


async def ticked(request: Request) -> tuple[str, list[int]]:
    """The action chosen and the ids of the films ticked, each once; a 422 for a form that
    names no action, no film, or more than BULK_MAX."""
    form = await request.form()
    action, chosen = form.get("action"), form.getlist("movie")
    if action not in ("watched", "delete"):
        raise HTTPException(422, "Choose what to do with the films you ticked.")
    if not chosen:
        raise HTTPException(422, NOTHING_TICKED)
    movie_ids = [row_id(id) if isinstance(id, str) else None for id in chosen[: BULK_MAX + 1]]
    if len(movie_ids) > BULK_MAX or None in movie_ids:
        raise HTTPException(422, f"Tick at most {BULK_MAX:,} films at a time.")
    return action, list(dict.fromkeys(movie_ids))


def films(count: int) -> str:
    return "1 film" if count == 1 else f"{count:,} films"


async def act_on_ticked(request: Request) -> Response:
    action, movie_ids = await ticked(request)
    if action == "delete":
        done, gone, undo = await delete_ticked(request, movie_ids)
    else:
        done, gone, undo = await cross_off_ticked(request, movie_ids)
    did = "Deleted" if action == "delete" else "Crossed off"
    flash(request, f"{did} {films(len(done))}.", "success", undo=undo)
    return await after_post(request, await back_to(request, "/"), ["partials/rows_removed.html"], {"gone": gone})


async def delete_ticked(request: Request, movie_ids: list[int]) -> tuple[list, list[int], tuple]:
    """The films deleted, the rows to take off the page, and the banner's Undo."""
    async with request.app.state.db.transaction() as connection:
        deleted = await delete_movies(connection, request.state.user.id, movie_ids)
        if not deleted:
            raise HTTPException(404, NONE_LEFT)
        token = await to_trash(request, connection, "movies", deleted)
    return deleted, movie_ids, ("/movies/restore", {"undo": token})


async def cross_off_ticked(request: Request, movie_ids: list[int]) -> tuple[list, list[int], tuple]:
    """Each film: a viewing today if it is on the watchlist, then onto the Watched list. The
    films crossed off ([movie id, viewing id]), the rows to take off the page, and the Undo."""
    db, logged = request.app.state.db, logged_today()
    steps = []
    for movie_id in movie_ids:
        ids = {"movie_id": movie_id, "user_id": request.state.user.id}
        steps += [(LOG_CROSSED_OFF, {**ids, **logged}), (CROSS_OFF, {**ids, "now": logged["now"]})]
    answers = iter(await db.write_together(*steps))
    crossed_off = []
    for movie_id in movie_ids:
        # The film's two answers, in its steps' order; no viewing logged when it was not on the watchlist.
        viewing, _ = next(answers), next(answers)
        if viewing:
            crossed_off.append([movie_id, viewing[0]])
    if not crossed_off:
        raise HTTPException(404, NONE_LEFT)
    async with db.transaction() as connection:
        token = await to_trash(request, connection, "crossed_off", crossed_off)
    return crossed_off, [movie_id for movie_id, _ in crossed_off], ("/movies/bulk/undo", {"undo": token})


async def undo_crossing_off(request: Request) -> Response:
    """Undo of "crossed off": each film back on the watchlist, and the viewing that logged gone."""
    token = (await form_fields(request, "undo"))["undo"]
    db = request.app.state.db
    async with db.transaction() as connection:
        crossed_off = await from_trash(request, connection, "crossed_off", token)
    steps = []
    for movie_id, viewing_id in crossed_off:
        ids = {"movie_id": movie_id, "user_id": request.state.user.id, "viewing_id": viewing_id}
        steps += [(UNDO_CROSS_OFF, ids), (PUT_BACK, ids)]
    answers = iter(await db.write_together(*steps))
    listed = []
    for _ in crossed_off:
        # The film's two answers, in its steps' order; no row when it is no longer on a list.
        _, movie = next(answers), next(answers)
        if movie:
            listed.append(ListedMovie(*movie))
    flash(request, f"Put {films(len(listed))} back on your watchlist.", "success")
    names, context = await rows_in_place(request, False, listed)
    return await after_post(request, await back_to(request, "/"), names, {"movies": listed, **context})


routes = [
    Route("/movies/bulk", act_on_ticked, methods=["POST"]),
    Route("/movies/bulk/undo", undo_crossing_off, methods=["POST"]),
]
