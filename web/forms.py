"""Reading submitted forms and answering when one is refused."""

import unicodedata
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .flash import flash, keep_form
from .rendering import after_post, is_htmx


async def form_fields(request: Request, *names: str) -> dict[str, str]:
    """The named fields as strings; a missing field or a file upload counts as empty."""
    form = await request.form()
    return {name: value if isinstance(value := form.get(name), str) else "" for name in names}


# Characters that reorder the text around them: a title could make a row read differently.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def clean_text(text: str) -> str:
    """Typed one-line text as it is stored: NFC, with control characters (NUL included),
    surrogates and direction overrides dropped, and runs of spaces made one."""
    if text.isascii() and text.isprintable():
        return " ".join(text.split())  # the common case, checked in C: nothing to drop
    spaced = " ".join(unicodedata.normalize("NFC", text).split())
    kept = "".join(c for c in spaced if unicodedata.category(c) not in ("Cc", "Cs") and c not in BIDI_CONTROLS)
    return " ".join(kept.split())


async def refuse_form(
    request: Request,
    back_to: str,
    form_partial: str,
    kept: dict[str, str],
    errors: dict[str, str | None],
    context: dict[str, Any] | None = None,
    action: tuple[str, str, dict] | None = None,
) -> Response:
    """Each error goes to the banner (the first with `action`'s button, if any). HTMX gets the
    form again, what was typed kept (`kept`) and each error beside its field; a plain form goes
    back to `back_to`, typed values kept."""
    errors = {field: message for field, message in errors.items() if message}
    for message in errors.values():
        flash(request, message, "error", action=action)
        action = None
    if not is_htmx(request):
        keep_form(request, kept)
    return await after_post(request, back_to, [form_partial], {**(context or {}), "form": kept, "errors": errors}, 422)
