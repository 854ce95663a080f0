"""Lists of the person's own making (own_lists/): make one, add films, order them (drag and
drop with JavaScript; "Move up", "Move down" and "Move to place N" forms without), a note on
each film, rename, describe, delete with an Undo; share it with friends as editors, who change
its films as its owner does (each change kept with who made it), and pick a film from it that
none of the people watching has seen. Every form is a plain one, answered with a
redirect back to the row it changed (`#entry-N`), so it works the same with JavaScript off."""

from typing import Any

from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..api.films import ListsFull, find_or_add
from ..catalog.films import film_by_id, only_film_named
from ..catalog.people import names_of
from ..catalog.text import clean_lines, clean_text, stored_key
from ..diary.days import today, written_day
from ..diary.viewings import LOG_CROSSED_OFF
from ..friends.together import friends_to_name
from ..history.plan import Film
from ..lists.changes import CROSS_OFF, logged_today
from ..lists.titles import NOT_IN_CATALOG, check_title
from ..own_lists import editors, nights, store, views
from ..own_lists.fields import NAME_MAX, description_error, name_error, note_error
from ..own_lists.pick import pick_from
from ..tables import now, title_key
from ..web import convertors  # noqa: F401 (registers {…:row_id} for the routes below)
from ..web.catalog import has_catalog
from ..web.flash import flash, keep_form
from ..web.forms import form_fields
from ..web.list_pages import requested_entry_view
from ..web.posters import want_posters
from ..web.redirects import back_to
from ..web.rendering import fragments, is_htmx, page, wants_fragment
from ..web.undo import from_trash, to_trash
from ..whole_numbers import row_id, whole_number

NOT_YOUR_LIST = "That list is not one of yours."
NOT_ON_THE_LIST = "That film is not on this list."
FILM_GONE = "The film that page went on after is no longer on the list: go back to the top of the list."


def checked_list_fields(fields: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """A list's name, description and ranking as the form gave them, and what is wrong with them."""
    name, description = clean_text(fields["name"]), clean_lines(fields["description"])
    errors = {"name": name_error(name), "description": description_error(description)}
    errors = {field: message for field, message in errors.items() if message}
    return {"name": name, "description": description, "ranked": fields["ranked"] == "on"}, errors


def refused(request: Request, back_to: str, fields: dict[str, str], errors: dict[str, str]) -> Response:
    """Each error in the banner and the form kept as typed, back on the page the form is on."""
    for message in errors.values():
        flash(request, message, "error")
    keep_form(request, fields)
    return RedirectResponse(back_to, status_code=303)


async def lists_page(request: Request) -> Response:
    db, user_id = request.app.state.db, request.state.user.id
    context = {"lists": await store.lists_of(db, user_id), "shared": await editors.shared_with(db, user_id)}
    return page(request, "templates/lists.html", {**context, "name_max": NAME_MAX})


async def create(request: Request) -> Response:
    fields = await form_fields(request, "name", "description", "ranked")
    values, errors = checked_list_fields(fields)
    db, user_id, cap = request.app.state.db, request.state.user.id, request.app.state.settings.max_lists_per_user
    if not errors and request.state.user.own_lists >= cap:
        errors["name"] = f"You have {cap:,} lists, as many as this FlickList keeps for one person."
    if errors:
        return refused(request, "/lists", fields, errors)
    timestamp = now()
    list_id = await db.write_returning(
        store.CREATE, int, user_id=user_id, source="", created_at=timestamp, now=timestamp, **values
    )
    flash(request, f"Made the list '{values['name']}'. Add its first film.", "success")
    return RedirectResponse(f"/lists/{list_id}", status_code=303)


async def the_users_list(request: Request) -> store.OwnList:
    own = await store.list_of(request.app.state.db, request.state.user.id, request.path_params["list_id"])
    if own is None:
        raise HTTPException(404, NOT_YOUR_LIST)
    return own


async def the_list_to_change(request: Request) -> store.OwnList:
    """The URL's list, if it is the person's or shared with them as an editor."""
    found = await store.list_to_change(request.app.state.db, request.state.user.id, request.path_params["list_id"])
    if found is None:
        raise HTTPException(404, NOT_YOUR_LIST)
    return found


async def sharing_context(request: Request, own: store.OwnList) -> dict[str, Any]:
    """Who shares the list and who changed it lately; to its owner, the friends to share it with."""
    db, user_id = request.app.state.db, request.state.user.id
    named = await editors.editors_of(db, own.id)
    return {
        "is_owner": own.owner_id == user_id,
        "editors": named,
        "changes": await editors.changes_of(db, own.id) if named or own.owner_id != user_id else [],
        "friends": await friends_to_name(db, user_id) if own.owner_id == user_id else [],
        "nights": await nights.upcoming(db, own.id, today()),
    }


async def list_page(request: Request) -> Response:
    own = await the_list_to_change(request)
    view = requested_entry_view(request.query_params)
    listed = await views.entry_page(request.app.state.db, own.id, view, request.state.user.id)
    if listed.gone:
        raise HTTPException(400, FILM_GONE)
    want_posters(request, [entry.film_id for entry in listed.entries if entry.film_id])
    context = {
        "list": own,
        "entries": listed.entries,
        "first": listed.first,
        "more": f"/lists/{own.id}?{view.query(after=listed.next_after)}" if listed.next_after else None,
        "view": view,
        "sorts": views.SORTS,
        "seen_choices": views.SEEN,
        "has_catalog": await has_catalog(request),
        "name_max": NAME_MAX,
        "people_named": await names_of(request.app.state.db, [view.director, view.actor]),
        **await sharing_context(request, own),
    }
    return page(request, "templates/own_list.html", context)


async def edit(request: Request) -> Response:
    own = await the_users_list(request)
    fields = await form_fields(request, "name", "description", "ranked")
    values, errors = checked_list_fields(fields)
    if errors:
        return refused(request, f"/lists/{own.id}", fields, errors)
    ids = {"list_id": own.id, "owner_id": request.state.user.id}
    new = {f"new_{name}": value for name, value in values.items()}
    if await request.app.state.db.write_returning(store.EDIT, int, **ids, **new, now=now()) is None:
        raise HTTPException(404, NOT_YOUR_LIST)
    flash(request, f"Saved the list '{values['name']}'.", "success")
    return RedirectResponse(f"/lists/{own.id}", status_code=303)


async def add_film(request: Request) -> Response:
    return await add_to(request, await the_list_to_change(request), request.url.path.removesuffix("/films"))


async def add_film_to_chosen(request: Request) -> Response:
    """A film's page's "Add to" a list chosen from the person's (field `list`): back to the film."""
    fields = await form_fields(request, "list", "back")
    own = await store.list_of(request.app.state.db, request.state.user.id, row_id(fields["list"]) or 0)
    if own is None:
        raise HTTPException(404, NOT_YOUR_LIST)
    return await add_to(request, own, await back_to(request, f"/lists/{own.id}"))


async def add_to(request: Request, own: store.OwnList, back: str) -> Response:
    """Adds the catalog film picked (`film`), or the typed `title`, linked to a film when it
    names exactly one, at the end of the list; answers with `back`, or the list at its row."""
    fields = await form_fields(request, "title", "film")
    db = request.app.state.db
    film = await film_by_id(db, film_id) if (film_id := row_id(fields["film"])) else None
    if film is None and fields["film"]:
        return refused(request, back, {"title": fields["title"]}, {"title": NOT_IN_CATALOG})
    title = film.title if film else clean_text(fields["title"])
    if error := check_title(title, anyway=True):
        return refused(request, back, {"title": fields["title"]}, {"title": error})
    if film is None and (film := await only_film_named(db, title)) is not None:
        title = film.title
    cap = request.app.state.settings.max_films_per_list
    if own.films >= cap:
        message = f"This list holds {cap:,} films, as many as this FlickList keeps on one list."
        return refused(request, back, {"title": fields["title"]}, {"title": message})
    values = {
        "list_id": own.id,
        "user_id": own.owner_id,
        "title": title,
        "title_key": title_key(title, film.id if film else None),
        "sort_title": stored_key(title),
        "year": None,
        "film_id": film.id if film else None,
        "now": now(),
    }
    touch = (store.TOUCH, {"list_id": own.id, "owner_id": own.owner_id, "now": values["now"]})
    try:
        _, (entry_id,), _ = await db.write_together(
            touch, (store.ADD, values), editors.change(own.id, request.state.user.id, "added", title)
        )
    except IntegrityError:
        return refused(request, back, {"title": fields["title"]}, {"title": f"'{title}' is already on '{own.name}'."})
    flash(request, f"Added '{title}' to '{own.name}'.", "success")
    if back != f"/lists/{own.id}":
        return RedirectResponse(back, status_code=303)
    page_url = await store.page_with(db, own.id, own.films + 1)
    return RedirectResponse(f"{page_url}#entry-{entry_id}", status_code=303)


async def the_lists_entry(request: Request, connection, own: store.OwnList) -> tuple[int, str, int]:
    ids = {"in_list": own.id, "entry_id": request.path_params["entry_id"]}
    found = (await connection.execute(store.AN_ENTRY, ids)).first()
    if found is None:
        raise HTTPException(404, NOT_ON_THE_LIST)
    return tuple(found)


MOVES = {"up": -1, "down": 1}
PAST_ANY_END = 10**30  # a place past the end is the end, however far past


def place_typed(text: str) -> int | None:
    """A place typed: a whole number from 1, and one of more digits than a number is read with
    is past the end too."""
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit() and digits.strip("0")):
        return None
    return whole_number(digits, 1, PAST_ANY_END) or PAST_ANY_END


async def move_entry(request: Request) -> Response:
    """Moves a film: `to` = `up` or `down` one place, or `place` = its new place (1 is the top)."""
    own = await the_list_to_change(request)
    fields = await form_fields(request, "to", "place")
    typed = place_typed(fields["place"])
    if fields["to"] not in MOVES and typed is None:
        raise HTTPException(422, "Say where the film goes: to=up, to=down, or place=a whole number from 1.")
    async with request.app.state.db.transaction() as connection:
        entry_id, title, position = await the_lists_entry(request, connection, own)
        place = await store.place_of(connection, own.id, entry_id, position)
        wanted = place + MOVES[fields["to"]] if fields["to"] in MOVES else typed
        wanted = min(max(wanted, 1), own.films)
        if wanted != place:
            await store.move(connection, own.id, entry_id, wanted)
            await connection.execute(store.TOUCH, {"list_id": own.id, "owner_id": own.owner_id, "now": now()})
            record, values = editors.change(own.id, request.state.user.id, "moved", title)
            await connection.execute(record, values)
    if is_htmx(request):  # a row dragged (static/own_list.js), which reorders the page itself
        return Response(status_code=204)
    flash(request, f"Moved '{title}' to place {wanted:,}.", "success")
    page_url = await store.page_with(request.app.state.db, own.id, wanted)
    return RedirectResponse(f"{page_url}#entry-{entry_id}", status_code=303)


async def note(request: Request) -> Response:
    own = await the_list_to_change(request)
    text = clean_lines((await form_fields(request, "note"))["note"])
    back = f"/lists/{own.id}#entry-{request.path_params['entry_id']}"
    if error := note_error(text):
        flash(request, error, "error")
        return RedirectResponse(back, status_code=303)
    ids = {"in_list": own.id, "entry_id": request.path_params["entry_id"]}
    noted, _ = await request.app.state.db.write_together(
        (store.NOTE, {**ids, "new_note": text}), editors.change(own.id, request.state.user.id, "changed a note", "")
    )
    if noted is None:
        raise HTTPException(404, NOT_ON_THE_LIST)
    title = noted[0]
    flash(request, f"Saved your note on '{title}'." if text else f"Took the note off '{title}'.", "success")
    return RedirectResponse(back, status_code=303)


async def remove(request: Request) -> Response:
    own = await the_list_to_change(request)
    ids = {"in_list": own.id, "entry_id": request.path_params["entry_id"]}
    touch = (store.TOUCH, {"list_id": own.id, "owner_id": own.owner_id, "now": now()})
    _, removed = await request.app.state.db.write_together(touch, (store.REMOVE, ids))
    if removed is None:
        raise HTTPException(404, NOT_ON_THE_LIST)
    await request.app.state.db.write_together(editors.change(own.id, request.state.user.id, "removed", removed[0]))
    flash(request, f"Took '{removed[0]}' off '{own.name}'.", "success")
    return RedirectResponse(f"/lists/{own.id}", status_code=303)


async def cross_off(request: Request) -> Response:
    """ "I watched it!" on a list's film: onto the viewer's own Watched list, with a viewing
    today (added to their lists first when it was on neither), whoever's list it is."""
    own = await the_list_to_change(request)
    db, user_id, entry_id = request.app.state.db, request.state.user.id, request.path_params["entry_id"]
    found = await db.fetch_all(store.ENTRYS_FILM, in_list=own.id, entry_id=entry_id)
    if not found:
        raise HTTPException(404, NOT_ON_THE_LIST)
    title, year, film_id = found[0]
    back = f"/lists/{own.id}#entry-{entry_id}"
    try:
        listed = await find_or_add(
            db, user_id, Film(title, year, film_id), request.app.state.settings.max_films_per_user
        )
    except ListsFull as full:
        flash(request, str(full), "error")
        return RedirectResponse(back, status_code=303)
    if listed.watched:
        flash(request, f"'{title}' is on your Watched list already.", "info")
        return RedirectResponse(back, status_code=303)
    logged, ids = logged_today(), {"movie_id": listed.movie_id, "user_id": user_id}
    await db.write_together((LOG_CROSSED_OFF, {**ids, **logged}), (CROSS_OFF, {**ids, "now": logged["now"]}))
    flash(request, f"Crossed off '{title}': it is on your Watched list, in your diary today.", "success")
    return RedirectResponse(back, status_code=303)


async def confirm_delete(request: Request) -> Response:
    return page(request, "templates/own_list_delete.html", {"list": await the_users_list(request)})


async def delete_list(request: Request) -> Response:
    async with request.app.state.db.transaction() as connection:
        kept = await store.deleted(connection, request.state.user.id, request.path_params["list_id"])
        if kept is None:
            raise HTTPException(404, NOT_YOUR_LIST)
        token = await to_trash(request, connection, "film_list", kept)
    name = kept["list"]["name"]
    flash(request, f"Deleted the list '{name}'.", "success", undo=("/lists/restore", {"undo": token}))
    return RedirectResponse("/lists", status_code=303)


async def restore(request: Request) -> Response:
    token = (await form_fields(request, "undo"))["undo"]
    cap = request.app.state.settings.max_lists_per_user
    if request.state.user.own_lists >= cap:
        raise HTTPException(409, f"You have {cap:,} lists, as many as this FlickList keeps: delete one first.")
    async with request.app.state.db.transaction() as connection:
        kept = await from_trash(request, connection, "film_list", token)
        list_id = await store.restored(connection, request.state.user.id, kept)
    flash(request, f"The list '{kept['list']['name']}' is back.", "success")
    return RedirectResponse(f"/lists/{list_id}", status_code=303)


async def share_with_editors(request: Request) -> Response:
    """The owner's choice of friends (field `editor`, repeated) who may change the list."""
    own = await the_users_list(request)
    chosen = [editor for value in (await request.form()).getlist("editor") if (editor := row_id(value))]
    await editors.set_editors(request.app.state.db, request.state.user.id, own.id, chosen)
    named = await editors.editors_of(request.app.state.db, own.id)
    shared = ", ".join(editor.name for editor in named)
    flash(request, f"'{own.name}' is shared with {shared}." if named else f"'{own.name}' is yours alone.", "success")
    return RedirectResponse(f"/lists/{own.id}#editors", status_code=303)


async def pick_from_list(request: Request) -> Response:
    """A film of the list that none of the people watching tonight has seen: the person asking,
    and those ticked (field `with`) among the list's owner and editors who show them their diary."""
    own = await the_list_to_change(request)
    db, user_id = request.app.state.db, request.state.user.id
    people = await editors.watching_with(db, own.id, user_id)
    allowed = {person.user_id for person in people}
    asked = [row_id(value) for value in request.query_params.getlist("with")]
    watching = [user_id, *(person for person in asked if person in allowed)]
    picked = await pick_from(db, own.id, list(dict.fromkeys(watching)))
    days = {"today": today().isoformat(), "latest_night": nights.latest_day(today()).isoformat()}
    context = {"list": own, "picked": picked, "people": people, "watching": watching, **days}
    if wants_fragment(request):
        return fragments(request, ["partials/list_pick.html"], context)
    return page(request, "templates/list_pick.html", context)


async def plan_night(request: Request) -> Response:
    """A film of the list (field `entry`) planned for a day (field `on`, YYYY-MM-DD)."""
    own = await the_list_to_change(request)
    fields = await form_fields(request, "entry", "on")
    day = nights.day_planned(fields["on"], today())
    if day is None:
        raise HTTPException(422, nights.NOT_A_DAY)
    db, entry_id = request.app.state.db, row_id(fields["entry"]) or 0
    title = await nights.plan(db, own.id, entry_id, day, request.state.user.id)
    if title is None:
        if not await db.fetch_all(store.AN_ENTRY, in_list=own.id, entry_id=entry_id):
            raise HTTPException(404, NOT_ON_THE_LIST)
        flash(request, f"That film is planned for {written_day(day)} already.", "info")
    else:
        flash(request, f"'{title}' is planned for {written_day(day)}.", "success")
    return RedirectResponse(f"/lists/{own.id}#nights", status_code=303)


async def cancel_night(request: Request) -> Response:
    own = await the_list_to_change(request)
    title = await nights.cancel(request.app.state.db, own.id, request.path_params["night_id"])
    if title is None:
        raise HTTPException(404, "That film night is not on this list.")
    flash(request, f"Called off the film night of '{title}'.", "success")
    return RedirectResponse(f"/lists/{own.id}#nights", status_code=303)


LIST_URL = "/lists/{list_id:row_id}"
ENTRY_URL = f"{LIST_URL}/entries/{{entry_id:row_id}}"
routes = [
    Route("/lists", lists_page),
    Route("/lists", create, methods=["POST"]),
    Route("/lists/restore", restore, methods=["POST"]),
    Route("/lists/films", add_film_to_chosen, methods=["POST"]),
    Route(LIST_URL, list_page),
    Route(f"{LIST_URL}/edit", edit, methods=["POST"]),
    Route(f"{LIST_URL}/delete", confirm_delete),
    Route(f"{LIST_URL}/delete", delete_list, methods=["POST"]),
    Route(f"{LIST_URL}/films", add_film, methods=["POST"]),
    Route(f"{LIST_URL}/editors", share_with_editors, methods=["POST"]),
    Route(f"{LIST_URL}/pick", pick_from_list),
    Route(f"{LIST_URL}/nights", plan_night, methods=["POST"]),
    Route(LIST_URL + "/nights/{night_id:row_id}/cancel", cancel_night, methods=["POST"]),
    Route(f"{ENTRY_URL}/move", move_entry, methods=["POST"]),
    Route(f"{ENTRY_URL}/note", note, methods=["POST"]),
    Route(f"{ENTRY_URL}/remove", remove, methods=["POST"]),
    Route(f"{ENTRY_URL}/watched", cross_off, methods=["POST"]),
]
