"""Where to send the browser next: a target given in a link or a form, kept to this site."""

import unicodedata
from urllib.parse import urlsplit

from starlette.requests import Request

from .forms import form_fields

NEXT_MAX = 2000


def safe_next(target: str | None) -> str:
    """Where to go after login: only a path on this site, never another host in disguise,
    and nothing a header could not carry (control or invisible characters, an endless URL)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if len(target) > NEXT_MAX or any(unicodedata.category(character)[0] == "C" for character in target):
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/"


async def back_to(request: Request, default: str) -> str:
    """Where a plain form goes afterwards: the page the banner's button was on (its `back`
    field), else `default`."""
    back = (await form_fields(request, "back"))["back"]
    return safe_next(back) if back else default
