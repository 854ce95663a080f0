"""Links that carry a token to act on an account (a password reset link, an address link):
opened, the token moves from the address bar into the session and the browser goes on to the
page with the form, so that page never has the token in its URL (nor in a Referer)."""

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..security import account_links

TOKEN_MAX = 200


def token_to_session(key: str, page: str):
    """The route of `/…/{token}`: the token kept in the session under `key`, then 303 to `page`."""

    def route(request: Request) -> Response:
        request.session[key] = request.path_params["token"][:TOKEN_MAX]
        return RedirectResponse(page, status_code=303)

    return route


async def link_in_session(request: Request, key: str, kinds: tuple[str, ...]) -> account_links.Link | None:
    """The link of one of `kinds` whose token the session keeps under `key`, if it still works."""
    token = request.session.get(key)
    return await account_links.find(request.app.state.db, token if isinstance(token, str) else "", kinds)
