"""Taking a film history out of FlickList (GET /account/export.zip) and bringing one in: an
upload is read at once (a file that cannot be read comes back on the upload form with where
and why), matched and previewed in the background, and applied when the person says so."""

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..catalog.text import clean_text
from ..history.export import moment
from ..history.jobs import AlreadyRunning, Busy, ImportJob, job_of
from ..history.readers import Unreadable
from ..tables import now
from ..web import convertors  # noqa: F401 (registers {…:row_id} for the routes below)
from ..web.flash import flash
from ..web.rendering import fragments, go_to, is_htmx, page

IMPORT_PATH = "/account/import"
NO_SUCH_IMPORT = "That import is not one of yours."
CHOOSE_A_FILE = "Choose a file to import: a Letterboxd or IMDb export, or FlickList's own."
# An upload refused, by why: the status it is answered with.
REFUSED = {Unreadable: 422, AlreadyRunning: 409, Busy: 503}
BUSY_RETRY_SECONDS = "60"


def import_too_large(max_bytes: int) -> str:
    return f"That file is larger than {max_bytes / 1024 / 1024:g} MB, the most FlickList imports at once."


async def export(request: Request) -> Response:
    exported_at = now()
    archive = await request.app.state.imports.export(request.state.user.id, exported_at)
    name = f"flicklist-export-{moment(exported_at)[:10]}.zip"
    disposition = f'attachment; filename="{name}"'
    return Response(archive, media_type="application/zip", headers={"Content-Disposition": disposition})


def upload_form(request: Request, error: str | None = None, status: int = 200) -> Response:
    """The account page's import card, alone on a page (or, for htmx, the card), with the
    reason an upload was refused beside the file field."""
    context = {"errors": {"file": error} if error else {}}
    if is_htmx(request):
        return fragments(request, ["partials/history_card.html"], context, status)
    return page(request, "templates/import_upload.html", context, status)


async def import_form(request: Request) -> Response:
    return upload_form(request)


async def start_import(request: Request) -> Response:
    form = await request.form(max_files=1, max_fields=4)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return upload_form(request, CHOOSE_A_FILE, 422)
    name = clean_text(upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])[:100] or "the file"
    data = await upload.read()
    try:
        job_id = await request.app.state.imports.begin(request.state.user.id, name, data)
    except tuple(REFUSED) as refused:
        response = upload_form(request, f"{refused} Nothing was imported.", REFUSED[type(refused)])
        if isinstance(refused, Busy):
            response.headers["Retry-After"] = BUSY_RETRY_SECONDS
        return response
    return go_to(request, f"{IMPORT_PATH}/{job_id}")


async def the_users_job(request: Request) -> ImportJob:
    job = await job_of(request.app.state.db, request.state.user.id, request.path_params["job_id"])
    if job is None:
        raise HTTPException(404, NO_SUCH_IMPORT)
    return job


async def import_page(request: Request) -> Response:
    """Where an import stands; while it runs, htmx asks again every half second for the
    status alone (without JavaScript, the page refreshes itself)."""
    job = await the_users_job(request)
    if is_htmx(request):
        return fragments(request, ["partials/import_status.html"], {"job": job, "announce": True})
    return page(request, "templates/import.html", {"job": job})


async def apply_import(request: Request) -> Response:
    job = await the_users_job(request)
    try:
        applying = await request.app.state.imports.apply(request.state.user.id, job.id)
    except AlreadyRunning as running:
        raise HTTPException(409, str(running)) from None
    if not applying:
        raise HTTPException(409, "That import is not waiting to be applied (it ran already, or is running).")
    return go_to(request, f"{IMPORT_PATH}/{job.id}")


async def cancel_import(request: Request) -> Response:
    job = await the_users_job(request)
    if job.state == "ready":
        await request.app.state.imports.cancel(request.state.user.id, job.id)
        flash(request, f"Nothing was imported from {job.source}.", "info")
    return go_to(request, "/account")


JOB_URL = f"{IMPORT_PATH}/{{job_id:row_id}}"
routes = [
    Route("/account/export.zip", export),
    Route(IMPORT_PATH, import_form),
    Route(IMPORT_PATH, start_import, methods=["POST"]),
    Route(JOB_URL, import_page),
    Route(f"{JOB_URL}/apply", apply_import, methods=["POST"]),
    Route(f"{JOB_URL}/cancel", cancel_import, methods=["POST"]),
]
