"""Connect a media server (/account/media-servers): a webhook URL for Plex, Jellyfin and
Emby each, with its steps and the last events it received; the Radarr list's and the diary
feed's URLs; the time zone that dates what the servers report. And the webhooks themselves,
POST /webhooks/{server}/{token}, outside the login wall and CSRF: the token is the credential."""

from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from ..media_servers import emby, jellyfin, plex
from ..media_servers.events import BadPayload, json_document
from ..media_servers.forms import form_field
from ..media_servers.time_zones import CHOICES, check_zone, set_zone, zone_of
from ..media_servers.watches import act_on, received
from ..security import account_tokens, throttle
from ..security.account_tokens import CALENDAR, EMBY, JELLYFIN, PLEX, RADARR, RSS
from ..security.origin import site_origin
from ..tables import now
from ..web.flash import flash, pop_shown_once, show_once
from ..web.forms import form_fields
from ..web.rendering import go_to, page

PAGE = "/account/media-servers"
NAMES = {
    PLEX: "Plex",
    JELLYFIN: "Jellyfin",
    EMBY: "Emby",
    RADARR: "Radarr list",
    RSS: "Diary feed (RSS)",
    CALENDAR: "Film nights (calendar)",
}
# Where each token is used (features/feeds.py answers the last three).
PATHS = {
    PLEX: "/webhooks/plex/{}",
    JELLYFIN: "/webhooks/jellyfin/{}",
    EMBY: "/webhooks/emby/{}",
    RADARR: "/feeds/radarr/{}",
    RSS: "/feeds/diary/{}.rss",
    CALENDAR: "/feeds/nights/{}.ics",
}
READERS = {PLEX: plex.event, JELLYFIN: jellyfin.event, EMBY: emby.event}
# The form field a server's form-encoded call carries its JSON in (Plex: always a form).
FORM_FIELDS = {PLEX: "payload", JELLYFIN: "payload", EMBY: "data"}
FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")
# Calls a webhook may make in a minute (the throttle's count under a key of the minute, so
# a server that reports playback progress every few seconds stays well within it): a server
# gone wild, or a leaked URL, cannot fill the database or tie it up.
WEBHOOK_CALLS = throttle.Limit("webhook", 60, forgotten_on_success=False)
NO_SUCH_WEBHOOK = "No such webhook: its URL was made anew or revoked, or was not copied whole."


async def connections_page(request: Request) -> Response:
    db, user_id = request.app.state.db, request.state.user.id
    connections = []
    for kind in NAMES:
        tokens = await account_tokens.listed(db, user_id, kind)
        token = tokens[0] if tokens else None
        events = await received(db, token.id) if token and kind in READERS else []
        new_url = pop_shown_once(request, f"token_{kind}")
        connections.append({"kind": kind, "name": NAMES[kind], "token": token, "events": events, "new_url": new_url})
    context = {"connections": connections, "zone": await zone_of(db, user_id), "zones": CHOICES}
    return page(request, "templates/media_servers.html", context)


def kind_of(request: Request) -> str:
    kind = request.path_params["kind"]
    if kind not in NAMES:
        raise HTTPException(404)
    return kind


async def make_anew(request: Request) -> Response:
    """A new URL of the kind; the old one, if any, stops working at once."""
    kind = kind_of(request)
    token = await account_tokens.make(request.app.state.db, request.state.user.id, kind)
    show_once(request, f"token_{kind}", site_origin(request) + PATHS[kind].format(token))
    flash(request, f"New {NAMES[kind]} URL made. Copy it now: it is shown only once.", "success")
    return go_to(request, f"{PAGE}#{kind}")


async def revoke(request: Request) -> Response:
    kind = kind_of(request)
    db, user_id = request.app.state.db, request.state.user.id
    tokens = await account_tokens.listed(db, user_id, kind)
    revoked = [await account_tokens.revoke(db, user_id, token.id) for token in tokens]
    if any(revoked):
        flash(request, f"The {NAMES[kind]} URL is revoked: it does nothing now.", "success")
    else:
        flash(request, f"You have no {NAMES[kind]} URL.", "info")
    return go_to(request, f"{PAGE}#{kind}")


async def change_zone(request: Request) -> Response:
    zone = (await form_fields(request, "zone"))["zone"]
    if error := check_zone(zone):
        flash(request, error, "error")
        return go_to(request, PAGE)
    await set_zone(request.app.state.db, request.state.user.id, zone)
    flash(request, f"Films your media servers report are dated by {zone} time now.", "success")
    return go_to(request, PAGE)


async def payload_of(request: Request, server: str) -> object:
    """The call's JSON: its body, or the form field the server puts it in (the body is read
    whole and bounded already, by middleware/request_limits.py)."""
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    if content_type.lower().startswith(FORMS):
        field = form_field(content_type, body, FORM_FIELDS[server])
        if field is None:
            raise BadPayload(f"The form has no {FORM_FIELDS[server]} field.")
        return json_document(field)
    return json_document(body)


async def webhook(request: Request) -> Response:
    """A media server's call: 404 for a token that is not a live one of that server's, 429
    past the limit, 400 (and nothing kept) for a payload that cannot be read; else what was
    done, or why nothing was, as text the server's log shows."""
    server = request.path_params["server"]
    db = request.app.state.db
    held = await account_tokens.holder(db, server, request.path_params["token"]) if server in READERS else None
    if held is None:
        return PlainTextResponse(NO_SUCH_WEBHOOK, 404)
    timestamp = now()
    minute, second = divmod(timestamp, 60)
    key = throttle.throttle_key(WEBHOOK_CALLS, str(held.token_id), str(minute))
    # The throttle's own counting statement alone: no row, and the call must wait; a key per
    # minute never needs the look at how long, which reserve() takes first.
    if await db.upsert(throttle.RESERVE, int, key=key, free=WEBHOOK_CALLS.free_failures, now=timestamp) is None:
        wait = str(60 - second)
        return PlainTextResponse(f"Too many calls; try again in {wait} s.", 429, headers={"Retry-After": wait})
    try:
        event = READERS[server](await payload_of(request, server))
    except BadPayload as error:
        return PlainTextResponse(str(error), 400)
    try:
        outcome = await act_on(db, held.token_id, held.user_id, event, request.app.state.settings.max_films_per_user)
        return PlainTextResponse(outcome)
    except IntegrityError:
        # The webhook was revoked (its events went with it) while this call was under way.
        return PlainTextResponse(NO_SUCH_WEBHOOK, 404)


routes = [
    Route(PAGE, connections_page),
    Route(f"{PAGE}/time-zone", change_zone, methods=["POST"]),
    Route(PAGE + "/{kind}/new", make_anew, methods=["POST"]),
    Route(PAGE + "/{kind}/revoke", revoke, methods=["POST"]),
    Route("/webhooks/{server}/{token}", webhook, methods=["POST"]),
]
