"""Several films at once: those ticked on a list, deleted or crossed off together, with one Undo."""

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..diary.trash import take_back, throw_away
from ..diary.viewings import LOG_CROSSED_OFF
from ..web.flash import flash
from ..web.rendering import after_post
from .watchlist import (
    CROSS_OFF,
    PUT_BACK,
    UNDO_CROSS_OFF,
    ListedMovie,
    back_to,
    delete_movies,
    logged_today,
    rows_in_place,
)

BULK_MAX = 500  # below the 1,000 fields a form may have
NOTHING_TICKED = "Tick the films first, then choose what to do with them."


async def ticked(request: Request) -> tuple[str, list[int]]:
    """The action chosen and the ids of the films ticked, each once; a 422 for a form that
    names no action, no film, or more than BULK_MAX."""
    form = await request.form()
    action, chosen = form.get("action"), form.getlist("movie")
    if action not in ("watched", "delete"):
        raise HTTPException(422, "Choose what to do with the films you ticked.")
    if not chosen:
        raise HTTPException(422, NOTHING_TICKED)
    if len(chosen) > BULK_MAX or not all(isinstance(id, str) and id.isdigit() and len(id) <= 18 for id in chosen):
        raise HTTPException(422, f"Tick at most {BULK_MAX:,} films at a time.")
    return action, list(dict.fromkeys(int(id) for id in chosen))


def films(count: int) -> str:
    return "1 film" if count == 1 else f"{count:,} films"


async def act_on_ticked(request: Request) -> Response:
    action, movie_ids = await ticked(request)
    db = request.app.state.db
    if action == "delete":
        async with db.transaction() as connection:
            deleted, token = await delete_movies(request, connection, movie_ids)
        done, undo = deleted, ("/movies/restore", {"undo": token})
    else:
        # Each film: a viewing today if it is on the watchlist, then onto the Watched list.
        logged = logged_today()
        steps = []
        for movie_id in movie_ids:
            ids = {"movie_id": movie_id, "user_id": request.state.user.id}
            steps += [(LOG_CROSSED_OFF, {**ids, **logged}), (CROSS_OFF, {**ids, "now": logged["now"]})]
        found = await db.write_together(*steps)
        crossed_off = [
            [movie_id, viewing[0]] for movie_id, viewing in zip(movie_ids, found[::2], strict=True) if viewing
        ]
        async with db.transaction() as connection:
            token = await throw_away(request, connection, {"crossed_off": crossed_off})
        done, undo = crossed_off, ("/movies/bulk/undo", {"undo": token})
    if not done:
        raise HTTPException(404, "None of the films ticked is on this list any more.")
    did = "Deleted" if action == "delete" else "Crossed off"
    flash(request, f"{did} {films(len(done))}.", "success", undo=undo)
    gone = movie_ids if action == "delete" else [movie_id for movie_id, _ in crossed_off]
    return await after_post(request, await back_to(request, "/"), ["partials/rows_removed.html"], {"gone": gone})


async def undo_crossing_off(request: Request) -> Response:
    """Undo of "crossed off": each film back on the watchlist, and the viewing that logged gone."""
    token = (await request.form()).get("undo", "")
    db = request.app.state.db
    async with db.transaction() as connection:
        contents = await take_back(request, connection, token if isinstance(token, str) else "")
    steps = []
    for movie_id, viewing_id in contents["crossed_off"]:
        ids = {"movie_id": movie_id, "user_id": request.state.user.id, "viewing_id": viewing_id}
        steps += [(UNDO_CROSS_OFF, ids), (PUT_BACK, ids)]
    listed = [ListedMovie(*movie) for movie in (await db.write_together(*steps))[1::2] if movie]
    flash(request, f"Put {films(len(listed))} back on your watchlist.", "success")
    names, context = await rows_in_place(request, False, listed)
    return await after_post(request, await back_to(request, "/"), names, {"movies": listed, **context})


routes = [
    Route("/movies/bulk", act_on_ticked, methods=["POST"]),
    Route("/movies/bulk/undo", undo_crossing_off, methods=["POST"]),
]
