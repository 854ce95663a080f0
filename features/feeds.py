"""Feeds read by other programs, each with its token in the URL (made on the "Connect a media
server" page): GET /feeds/radarr/{token}, the watchlist as Radarr's StevenLu Custom list
reads it; GET /feeds/diary/{token}.rss, the diary as RSS 2.0; GET /feeds/nights/{token}.ics,
the film nights planned on one's lists as iCalendar. Outside the login wall."""

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..diary.days import today
from ..feeds.diary_rss import diary_rss
from ..feeds.nights_ics import nights_ics
from ..feeds.radarr import radarr_list
from ..security import account_tokens
from ..security.origin import site_origin

NO_SUCH_FEED = "No such feed: its URL was made anew or revoked, or was not copied whole."
# Feed readers and Radarr ask again on their own schedule; a proxy may keep none of it.
PRIVATE = {"Cache-Control": "private, no-store"}


async def radarr(request: Request) -> Response:
    db = request.app.state.db
    if (user_id := await account_tokens.owner(db, account_tokens.RADARR, request.path_params["token"])) is None:
        return PlainTextResponse(NO_SUCH_FEED, 404)
    return JSONResponse(await radarr_list(db, user_id), headers=PRIVATE)


async def diary(request: Request) -> Response:
    db = request.app.state.db
    if (user_id := await account_tokens.owner(db, account_tokens.RSS, request.path_params["token"])) is None:
        return PlainTextResponse(NO_SUCH_FEED, 404)
    xml = await diary_rss(db, user_id, site_origin(request))
    return Response(xml, media_type="application/rss+xml; charset=utf-8", headers=PRIVATE)


async def nights(request: Request) -> Response:
    db = request.app.state.db
    if (user_id := await account_tokens.owner(db, account_tokens.CALENDAR, request.path_params["token"])) is None:
        return PlainTextResponse(NO_SUCH_FEED, 404)
    text = await nights_ics(db, user_id, site_origin(request), today())
    return Response(text, media_type="text/calendar; charset=utf-8", headers=PRIVATE)


routes = [
    Route("/feeds/radarr/{token}", radarr),
    Route("/feeds/diary/{token}.rss", diary),
    Route("/feeds/nights/{token}.ics", nights),
]
