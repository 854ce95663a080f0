"""Taking a film history out of FlickList (GET /account/export.zip) and bringing one in: an
upload is read at once (a file that cannot be read is refused with where and why), matched and
previewed in the background, and applied when the person says so."""

import anyio
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..history.export import export_zip, history_of, moment
from ..history.jobs import ImportJob, job_of, running_job
from ..history.readers import Unreadable, read_upload
from ..tables import now
from ..web import convertors  # noqa: F401 (registers {…:row_id} for the routes below)
from ..web.flash import flash
from ..web.forms import clean_text
from ..web.rendering import fragments, go_to, is_htmx, page

IMPORT_PATH = "/account/import"
NO_SUCH_IMPORT = "That import is not one of yours."


def import_too_large(max_bytes: int) -> str:
    return f"That file is larger than {max_bytes / 1024 / 1024:g} MB, the most FlickList imports at once."


async def export(request: Request) -> Response:
    exported_at = now()
    entries = await history_of(request.app.state.db, request.state.user.id)
    archive = await anyio.to_thread.run_sync(export_zip, entries, exported_at)
    name = f"flicklist-export-{moment(exported_at)[:10]}.zip"
    disposition = f'attachment; filename="{name}"'
    return Response(archive, media_type="application/zip", headers={"Content-Disposition": disposition})


async def start_import(request: Request) -> Response:
    user_id = request.state.user.id
    form = await request.form(max_files=1, max_fields=4)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise HTTPException(422, "Choose a file to import: a Letterboxd or IMDb export, or FlickList's own.")
    name = clean_text(upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])[:100] or "the file"
    data = await upload.read()
    if await running_job(request.app.state.db, user_id) is not None:
        raise HTTPException(409, "An import is already running; wait for it to finish, then try again.")
    try:
        entries = await anyio.to_thread.run_sync(read_upload, name, data)
    except Unreadable as error:
        raise HTTPException(422, f"{error} Nothing was imported.") from None
    if not entries:
        raise HTTPException(422, f"{name} lists no films; nothing to import.")
    job_id = await request.app.state.imports.begin(user_id, name, entries)
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
        return fragments(request, ["partials/import_status.html"], {"job": job})
    return page(request, "templates/import.html", {"job": job})


async def apply_import(request: Request) -> Response:
    job = await the_users_job(request)
    if not await request.app.state.imports.apply(request.state.user.id, job.id):
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
    Route(IMPORT_PATH, start_import, methods=["POST"]),
    Route(JOB_URL, import_page),
    Route(f"{JOB_URL}/apply", apply_import, methods=["POST"]),
    Route(f"{JOB_URL}/cancel", cancel_import, methods=["POST"]),
]
