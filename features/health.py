"""The health check that load balancers and monitors poll."""

from sqlalchemy import literal, select
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

DATABASE_ANSWERS = select(literal(1))


async def healthz(request: Request) -> PlainTextResponse:
    try:
        await request.app.state.db.fetch_all(DATABASE_ANSWERS)
    except Exception:
        return PlainTextResponse("database unavailable", status_code=503)
    return PlainTextResponse("ok")


routes = [Route("/healthz", healthz)]
