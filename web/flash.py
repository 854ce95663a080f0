"""Flash messages: short notes kept in the session and shown once, on the next page the user sees.

The session lives in a cookie, which a browser drops past 4,096 bytes, so what it carries is
bounded: the newest flashes that fit FLASH_BUDGET, and typed values cut to FORM_BUDGET (sizes
as the session's JSON counts them, where "é" takes 6 bytes)."""

import json

from starlette.requests import Request

FLASHES_KEPT = 5
FLASH_BUDGET = 1400
FORM_BUDGET = 900


def json_size(value: object) -> int:
    return len(json.dumps(value))


def cut_to_budget(text: str, budget: int) -> str:
    """`text`, shortened (with an ellipsis) until its JSON fits `budget` bytes."""
    if json_size(text) <= budget:
        return text
    while text and json_size(text + "…") > budget:
        text = text[: max(0, min(len(text) - 1, len(text) * budget // json_size(text)))]
    return text + "…"


def flash(
    request: Request,
    text: str,
    category: str = "info",
    undo: tuple[str, dict] | None = None,
    action: tuple[str, str, dict] | None = None,
) -> None:
    """`action` is (label, url, fields): the banner then offers a button so labelled posting
    the fields there; `undo` (url, fields) is the action labelled Undo."""
    message = {"text": text, "category": category}
    if undo:
        action = ("Undo", *undo)
    if action:
        message["action"] = {"label": action[0], "url": action[1], "fields": action[2]}
    message["text"] = cut_to_budget(text, FLASH_BUDGET - json_size({**message, "text": ""}))
    kept = [message]
    for older in reversed(request.session.get("flash", [])[-(FLASHES_KEPT - 1) :]):
        if json_size([older, *kept]) > FLASH_BUDGET:
            break
        kept.insert(0, older)
    # Assigned, not appended in place: the session only notices (and re-sends the cookie) on assignment.
    request.session["flash"] = kept


def pop_flashes(request: Request) -> list[dict[str, str]]:
    if "session" not in request.scope:
        return []
    return request.session.pop("flash", [])


def keep_form(request: Request, values: dict[str, str]) -> None:
    """Remember what the user typed across a redirect, so a form refused without JavaScript
    comes back filled in (each value within an even share of FORM_BUDGET)."""
    share = FORM_BUDGET // max(1, len(values))
    request.session["form"] = {name: cut_to_budget(value, share) for name, value in values.items()}


def show_once(request: Request, kind: str, link: str) -> None:
    """A link that is never stored (an invitation's, a share link's), kept for the next page of
    its `kind` to show once."""
    request.session[f"shown_once_{kind}"] = link


def pop_shown_once(request: Request, kind: str) -> str | None:
    return request.session.pop(f"shown_once_{kind}", None)


def pop_form(request: Request) -> dict[str, str]:
    return request.session.pop("form", {})
