"""Friends: the /friends page (requests to answer, whom the person follows, their followers,
their own requests still waiting, whom they blocked) and its buttons; and the profile that
names a person to the others on the instance and says what their followers see."""

from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..api.films import ListsFull, find_or_add
from ..auth import normalise_email
from ..diary.days import written_day
from ..diary.ratings import RATING_RULE, RATINGS
from ..friends.activity import START, activity_of_followed, cursor
from ..friends.profiles import Profile, check_name, profile_of, set_profile
from ..friends.store import (
    FOLLOW_REQUESTS,
    REQUESTS_PER_HOUR,
    Asked,
    accept,
    account_named,
    ask_to_follow,
    block,
    decline,
    end,
    friends_of,
    unblock,
)
from ..friends.together import add_to_diary, dismiss, invitations, waiting_invitation
from ..history.plan import Film
from ..security import address_limits
from ..web import convertors  # noqa: F401 (registers {…:row_id} for the routes below)
from ..web.errors import too_many_attempts
from ..web.flash import flash
from ..web.forms import form_fields
from ..web.redirects import back_to
from ..web.rendering import after_post, fragments, page, wants_fragment

PAGE = "/friends"
NOT_YOURS = "That request or follow is not one of yours, or it has ended."
NO_ONE = "No one on this FlickList has that address or profile name."
NOT_TOGETHER = "That viewing is not waiting for you: it was added, dismissed, or is someone else's."
NAME_FIRST = "Choose a profile name in your account settings first: it is what the person you ask sees."
ASKED = {
    Asked.SENT: ("success", "Asked. They see your request on their Friends page; you follow them once they accept."),
    Asked.FOLLOWING: ("info", "You follow them already."),
    Asked.SELF: ("error", "That is you."),
    Asked.YOU_BLOCKED: ("error", "You blocked that account. Unblock it first (below)."),
    Asked.BLOCKED: ("error", "That account takes no requests from you."),
}


async def page_context(request: Request) -> dict:
    db, user_id = request.app.state.db, request.state.user.id
    return {
        "friends": await friends_of(db, user_id),
        "profile": await profile_of(db, user_id),
        "together": await invitations(db, user_id),
    }


async def friends_page(request: Request) -> Response:
    """The activity of the people followed, newest first (`after`: from where a page ended;
    htmx's "Show more" gets the rows alone), then the follows and requests."""
    after = cursor(request.query_params.get("after") or "") if "after" in request.query_params else START
    if after is None:
        raise HTTPException(400, "That is not a place in the activity FlickList gave.")
    activity, next_key = await activity_of_followed(request.app.state.db, request.state.user.id, after)
    more = f"{PAGE}?after={next_key}" if next_key else None
    if wants_fragment(request):
        return fragments(request, ["partials/activity.html"], {"activity": activity, "more": more})
    return page(request, "templates/friends.html", {**await page_context(request), "activity": activity, "more": more})


async def answer(request: Request, message: str, category: str = "success", status: int = 200) -> Response:
    """The message in the banner; the Friends part as it is now (HTMX), or the page again."""
    flash(request, message, category)
    return await after_post(request, PAGE, ["partials/friends.html"], await page_context(request), status)


async def ask(request: Request) -> Response:
    """Asks to follow the account with the address or profile name typed (`who`)."""
    who = (await form_fields(request, "who"))["who"].strip()
    db, user_id = request.app.state.db, request.state.user.id
    if not (await profile_of(db, user_id)).name:
        return await answer(request, NAME_FIRST, "error", 422)
    if not who:
        return await answer(request, "Type the address or the profile name of the person to follow.", "error", 422)
    if wait := await address_limits.reserve(db, FOLLOW_REQUESTS, str(user_id), REQUESTS_PER_HOUR):
        return too_many_attempts(request, wait, "You have asked to follow many people this hour")
    address = normalise_email(who) if "@" in who else None
    other_id = await account_named(db, address, who) if address or "@" not in who else None
    if other_id is None:
        return await answer(request, NO_ONE, "error", 422)
    category, message = ASKED[await ask_to_follow(db, user_id, other_id, address or who)]
    return await answer(request, message, category, 422 if category == "error" else 200)


def changed_by(change, message: str):
    async def route(request: Request) -> Response:
        db, user_id = request.app.state.db, request.state.user.id
        if not await change(db, user_id, request.path_params["follow_id"]):
            raise HTTPException(404, NOT_YOURS)
        return await answer(request, message)

    return route


async def add_watched_together(request: Request) -> Response:
    """A viewing a friend logged as watched with this person, into their own diary: the same
    day, the rating they give it here (field `rating`, optional)."""
    db, user_id, invitation_id = request.app.state.db, request.state.user.id, request.path_params["invitation_id"]
    if (invitation := await waiting_invitation(db, user_id, invitation_id)) is None:
        raise HTTPException(404, NOT_TOGETHER)
    rating = (await form_fields(request, "rating"))["rating"]
    if rating and rating not in RATINGS:
        raise HTTPException(422, RATING_RULE)
    film = Film(invitation.title, invitation.year, invitation.film_id)
    try:
        listed = await find_or_add(db, user_id, film, request.app.state.settings.max_films_per_user)
        added = await add_to_diary(db, user_id, invitation, listed.movie_id, RATINGS.get(rating))
    except ListsFull as full:
        return await answer(request, str(full), "error", 422)
    except IntegrityError:  # the film added meanwhile by another click
        added = False
    if not added:
        return await answer(request, "That viewing is in your diary already.", "info")
    return await answer(
        request, f"Added '{invitation.title}', watched {written_day(invitation.watched_on)}, to your diary."
    )


async def dismiss_watched_together(request: Request) -> Response:
    if not await dismiss(request.app.state.db, request.state.user.id, request.path_params["invitation_id"]):
        raise HTTPException(404, NOT_TOGETHER)
    return await answer(request, "Dismissed.")


async def lift_block(request: Request) -> Response:
    if not await unblock(request.app.state.db, request.state.user.id, request.path_params["user_id"]):
        raise HTTPException(404, "You have not blocked that account.")
    return await answer(request, "Unblocked. They may ask to follow you again.")


async def save_profile(request: Request) -> Response:
    fields = await form_fields(request, "profile_name", "share_diary", "share_reviews", "share_watchlist")
    name = fields["profile_name"].strip()
    error = check_name(name) or await set_profile(
        request.app.state.db,
        request.state.user.id,
        Profile(name, *(fields[share] == "on" for share in ("share_diary", "share_reviews", "share_watchlist"))),
    )
    flash(request, error or "Saved your profile.", "error" if error else "success")
    context = {"profile": await profile_of(request.app.state.db, request.state.user.id)}
    return await after_post(request, await back_to(request, "/account"), ["partials/profile_form.html"], context)


routes = [
    Route(PAGE, friends_page),
    Route(f"{PAGE}/follow", ask, methods=["POST"]),
    Route(PAGE + "/{follow_id:row_id}/accept", changed_by(accept, "Accepted: they follow you now."), methods=["POST"]),
    Route(PAGE + "/{follow_id:row_id}/decline", changed_by(decline, "Declined. They are not told."), methods=["POST"]),
    Route(PAGE + "/{follow_id:row_id}/end", changed_by(end, "Done: that follow has ended."), methods=["POST"]),
    Route(
        PAGE + "/{follow_id:row_id}/block",
        changed_by(block, "Blocked. Neither of you follows the other, and their requests stop."),
        methods=["POST"],
    ),
    Route(PAGE + "/blocked/{user_id:row_id}/unblock", lift_block, methods=["POST"]),
    Route(PAGE + "/together/{invitation_id:row_id}/add", add_watched_together, methods=["POST"]),
    Route(PAGE + "/together/{invitation_id:row_id}/dismiss", dismiss_watched_together, methods=["POST"]),
    Route("/account/profile", save_profile, methods=["POST"]),
]
