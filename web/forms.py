"""Reading submitted forms and answering when one is refused."""

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .flash import flash, keep_form
from .rendering import after_post, is_htmx


async def form_fields(request: Request, *names: str) -> dict[str, str]:
    """The named fields as strings; a missing field or a file upload counts as empty."""
    form = await request.form()
    return {name: value if isinstance(value := form.get(name), str) else "" for name in names}


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
