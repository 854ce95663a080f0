"""The diary: logging a viewing with its date, rating, review and tags; changing and deleting
one (with Undo); and the diary page, every viewing newest first, by month."""

from typing import Any

from sqlalchemy import bindparam, delete, insert, select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..diary.days import latest_day_anywhere, today, written_day
from ..diary.pages import read_diary
from ..diary.ratings import RATINGS, written
from ..diary.viewings import (
    A_VIEWING,
    CHANGE_VIEWING,
    HAS_BEEN_WATCHED,
    LOG_AS_TOLD,
    MARK_WATCHED,
    REVIEW_MAX,
    STORED_COLUMNS,
    VIEWING_FIELDS,
    check_viewing,
)
from ..friends.together import friends_to_name, name_companions
from ..lists.entries import ENTRY, entry_url
from ..lists.rows import NOT_ON_YOUR_LIST
from ..tables import now, viewings
from ..web import convertors  # noqa: F401 (registers {…:row_id} for the routes below)
from ..web.flash import flash
from ..web.forms import form_fields
from ..web.list_pages import requested_diary_after, the_users_entry
from ..web.rendering import fragments, go_to, page, wants_fragment
from ..web.undo import from_trash, to_trash
from ..whole_numbers import row_id

NOT_YOUR_VIEWING = "That viewing is not in your diary."


def viewing_form_page(request: Request, context: dict[str, Any], status: int = 200) -> Response:
    """The log form, new or filled in. A refused form comes back whole (a 20,000-character
    review would not survive the session cookie a redirect keeps it in)."""
    limits = {"latest_day": latest_day_anywhere().isoformat(), "review_max": REVIEW_MAX, "ratings": RATINGS}
    return page(request, "templates/log_viewing.html", {**limits, **context}, status)


def refuse_viewing(request: Request, fields: dict[str, str], errors: dict[str, str], **context) -> Response:
    for message in errors.values():
        flash(request, message, "error")
    return viewing_form_page(request, {"form": fields, "errors": errors, **context}, 422)


async def log_form(request: Request) -> Response:
    movie_id = request.path_params["movie_id"]
    title = (await the_users_entry(request, movie_id)).title
    seen = (await request.app.state.db.fetch_all(HAS_BEEN_WATCHED, movie_id=movie_id))[0][0]
    form = {"watched_on": today().isoformat(), "rewatch": "on" if seen else ""}
    friends = await friends_to_name(request.app.state.db, request.state.user.id)
    context = {"title": title, "action": f"/movies/{movie_id}/log", "form": form, "friends": friends}
    return viewing_form_page(request, context)


async def log(request: Request) -> Response:
    """A viewing in the diary; the movie onto the Watched list, rated as the newest viewing was."""
    movie_id = request.path_params["movie_id"]
    entry = await the_users_entry(request, movie_id)
    title = entry.title
    fields = await form_fields(request, *VIEWING_FIELDS)
    viewing, errors = check_viewing(fields)
    if viewing is None:
        friends = await friends_to_name(request.app.state.db, request.state.user.id)
        return refuse_viewing(request, fields, errors, title=title, action=f"/movies/{movie_id}/log", friends=friends)
    ids = {"movie_id": movie_id, "user_id": request.state.user.id, "now": now()}
    db = request.app.state.db
    (viewing_id, *_), _ = await db.write_together((LOG_AS_TOLD, {**ids, **viewing._asdict()}), (MARK_WATCHED, ids))
    companions = [friend_id for value in (await request.form()).getlist("with") if (friend_id := row_id(value))]
    await name_companions(db, request.state.user.id, viewing_id, companions)
    flash(request, f"Logged '{title}', watched {written_day(viewing.watched_on)}.", "success")
    return go_to(request, entry_url(movie_id, entry.film_id))


async def the_users_viewing(request: Request) -> tuple:
    rows = await request.app.state.db.fetch_all(
        A_VIEWING, viewing_id=request.path_params["viewing_id"], user_id=request.state.user.id
    )
    if not rows:
        raise HTTPException(404, NOT_YOUR_VIEWING)
    return rows[0]


async def edit_form(request: Request) -> Response:
    viewing_id, watched_on, rating, rewatch, review, tags, _, title = await the_users_viewing(request)
    form = {
        "watched_on": watched_on,
        "rating": written(rating) if rating else "",
        "rewatch": "on" if rewatch else "",
        "review": review,
        "tags": tags,
    }
    context = {"title": title, "action": f"/viewings/{viewing_id}", "form": form, "editing": True}
    return viewing_form_page(request, context)


async def change(request: Request) -> Response:
    viewing_id, *_, movie_id, title = await the_users_viewing(request)
    fields = await form_fields(request, *VIEWING_FIELDS)
    viewing, errors = check_viewing(fields)
    if viewing is None:
        return refuse_viewing(request, fields, errors, title=title, action=f"/viewings/{viewing_id}", editing=True)
    ids = {"viewing_id": viewing_id, "movie_id": movie_id, "user_id": request.state.user.id, "now": now()}
    await request.app.state.db.write_together((CHANGE_VIEWING, {**ids, **viewing._asdict()}), (MARK_WATCHED, ids))
    entry = await the_users_entry(request, movie_id)
    flash(request, f"Saved your viewing of '{title}'.", "success")
    return go_to(request, entry_url(movie_id, entry.film_id))


VIEWING_STORED = select(*STORED_COLUMNS, viewings.c.movie_id).where(viewings.c.id == bindparam("viewing_id"))


async def remove(request: Request) -> Response:
    """Deletes one viewing, kept in the trash for the banner's Undo; the movie stays where it is."""
    viewing_id, *_, movie_id, title = await the_users_viewing(request)
    async with request.app.state.db.transaction() as connection:
        kept = (await connection.execute(VIEWING_STORED, {"viewing_id": viewing_id})).first()
        if kept is None:
            raise HTTPException(404, NOT_YOUR_VIEWING)
        await connection.execute(delete(viewings).where(viewings.c.id == viewing_id))
        token = await to_trash(request, connection, "viewing", dict(kept._mapping))
    entry = await the_users_entry(request, movie_id)
    flash(request, f"Deleted a viewing of '{title}'.", "success", undo=("/viewings/restore", {"undo": token}))
    return go_to(request, entry_url(movie_id, entry.film_id))


async def restore(request: Request) -> Response:
    token = (await form_fields(request, "undo"))["undo"]
    async with request.app.state.db.transaction() as connection:
        viewing = await from_trash(request, connection, "viewing", token)
        ids = {"movie_id": viewing["movie_id"], "user_id": request.state.user.id}
        entry = (await connection.execute(ENTRY, ids)).first()
        if entry is None:
            raise HTTPException(404, NOT_ON_YOUR_LIST)
        await connection.execute(insert(viewings).values(**viewing, user_id=ids["user_id"]))
    flash(request, f"The viewing of '{entry.title}' is back.", "success")
    return go_to(request, entry_url(viewing["movie_id"], entry.film_id))


async def diary_page(request: Request) -> Response:
    """The diary 50 entries at a time; for htmx's "Show more", only the next entries (a
    month's heading where a month starts)."""
    after = requested_diary_after(request.query_params)
    entries, next_after = await read_diary(request.app.state.db, request.state.user.id, after)
    more = f"/diary?after={next_after}" if next_after else None
    context = {"entries": entries, "more": more, "month_before": after[0][:7] if after else None, "after": after}
    if after and wants_fragment(request):
        return fragments(request, ["partials/diary_entries.html", "partials/show_more.html"], context)
    return page(request, "templates/diary.html", context)


VIEWING_URL = "/viewings/{viewing_id:row_id}"
routes = [
    Route("/diary", diary_page),
    Route("/movies/{movie_id:row_id}/log", log_form),
    Route("/movies/{movie_id:row_id}/log", log, methods=["POST"]),
    Route("/viewings/restore", restore, methods=["POST"]),
    Route(VIEWING_URL, edit_form),
    Route(VIEWING_URL, change, methods=["POST"]),
    Route(f"{VIEWING_URL}/delete", remove, methods=["POST"]),
]
