"""API tokens (/account/api-tokens): make a named one, shown once on the page that answers;
see every token, when it was made and last used; revoke one. The tokens themselves are
security/account_tokens.py's; the API that takes them is features/api.py."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..catalog.text import clean_text
from ..security import account_tokens
from ..tables import account_tokens as account_tokens_table
from ..web import convertors  # noqa: F401  (registers row_id)
from ..web.flash import flash, pop_shown_once, show_once
from ..web.forms import form_fields, refuse_form
from ..web.rendering import go_to, page

PAGE = "/account/api-tokens"
NAME_MAX = account_tokens_table.c.name.type.length
TOKENS_MAX = 20  # per account: enough for every program a person runs, not a table to fill


async def tokens_page(request: Request) -> Response:
    db, user_id = request.app.state.db, request.state.user.id
    context = {
        "tokens": await account_tokens.listed(db, user_id, account_tokens.API),
        "new_token": pop_shown_once(request, "api_token"),
    }
    return page(request, "templates/api_tokens.html", context)


async def make_token(request: Request) -> Response:
    db, user_id = request.app.state.db, request.state.user.id
    typed = (await form_fields(request, "token_name"))["token_name"]
    name = clean_text(typed)
    error = None
    if not name:
        error = "Name the token after what will use it."
    elif len(name) > NAME_MAX:
        error = f"A token's name can be at most {NAME_MAX} characters long."
    elif len(await account_tokens.listed(db, user_id, account_tokens.API)) >= TOKENS_MAX:
        error = f"You have {TOKENS_MAX} API tokens, the most an account keeps. Revoke one you no longer use."
    if error:
        kept, errors = {"token_name": typed}, {"token_name": error}
        return await refuse_form(request, PAGE, "partials/api_token_form.html", kept, errors)
    show_once(request, "api_token", await account_tokens.make(db, user_id, account_tokens.API, name))
    flash(request, f"Token “{name}” made. Copy it now: it is shown only once.", "success")
    return go_to(request, PAGE)


async def revoke_token(request: Request) -> Response:
    if await account_tokens.revoke(request.app.state.db, request.state.user.id, request.path_params["token_id"]):
        flash(request, "Token revoked: a program using it is refused from now on.", "success")
    else:
        flash(request, "There is no such token of yours.", "error")
    return go_to(request, PAGE)


routes = [
    Route(PAGE, tokens_page),
    Route(PAGE, make_token, methods=["POST"]),
    Route(f"{PAGE}/{{token_id:row_id}}/revoke", revoke_token, methods=["POST"]),
]
