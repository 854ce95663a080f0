"""Taking a film history out of FlickList (GET /account/export.zip) and bringing one in."""

import anyio
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..history.export import export_zip, history_of, moment
from ..tables import now


async def export(request: Request) -> Response:
    exported_at = now()
    entries = await history_of(request.app.state.db, request.state.user.id)
    archive = await anyio.to_thread.run_sync(export_zip, entries, exported_at)
    name = f"flicklist-export-{moment(exported_at)[:10]}.zip"
    disposition = f'attachment; filename="{name}"'
    return Response(archive, media_type="application/zip", headers={"Content-Disposition": disposition})


routes = [Route("/account/export.zip", export)]
