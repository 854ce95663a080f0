"""Flash messages: short notes kept in the session and shown once, on the next page the user sees."""

from starlette.requests import Request


def flash(request: Request, text: str, category: str = "info", undo: tuple[str, dict] | None = None) -> None:
    """`undo` is (url, fields): the banner then offers an Undo button posting them there."""
    message = {"text": text, "category": category}
    if undo:
        message["undo"] = {"url": undo[0], "fields": undo[1]}
    # Assigned, not appended in place: the session only notices (and re-sends the cookie) on assignment.
    request.session["flash"] = [*request.session.get("flash", []), message]


def pop_flashes(request: Request) -> list[dict[str, str]]:
    if "session" not in request.scope:
        return []
    return request.session.pop("flash", [])


def keep_form(request: Request, values: dict[str, str]) -> None:
    """Remember what the user typed across a redirect, so a form refused without JavaScript comes back filled in."""
    request.session["form"] = values


def pop_form(request: Request) -> dict[str, str]:
    return request.session.pop("form", {})
