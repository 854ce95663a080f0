"""Who is asking, as far as the connection tells: the address limits and the login throttle count by it."""

from starlette.requests import Request


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
