"""The health check that load balancers and monitors poll."""

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import PlainTextResponse


async def healthz(request: Request) -> PlainTextResponse:
    try:
        async with request.app.state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception:
        return PlainTextResponse("database unavailable", status_code=503)
    return PlainTextResponse("ok")
