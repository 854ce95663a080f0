"""The control for the benchmark: the very same watchlist page, rendered by the same
templates and the same rendering code, but with no session middleware and no database, so
the ratio app/control shows what sessions, the login wall and queries cost on top of
rendering alone."""

from contextlib import asynccontextmanager
from types import SimpleNamespace

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route

from flicklist.cli import tune_garbage_collector
from flicklist.features.watchlist import ListedMovie
from flicklist.web.rendering import page

ROWS = [ListedMovie(number, f"Movie number {number}", None) for number in range(1, 101)]
USER = SimpleNamespace(id=1, email="bench@example.com")


async def watchlist(request: Request):
    request.scope["session"] = {"csrf": "a-fixed-token-of-the-usual-length-for-the-control-route"}
    request.scope.setdefault("state", {})["user"] = USER
    return page(request, "templates/watchlist.html", {"movies": ROWS})


@asynccontextmanager
async def lifespan(app: Starlette):
    tune_garbage_collector()  # as `flicklist serve` does, so the ratio does not count it
    yield


app = Starlette(routes=[Route("/", watchlist)], lifespan=lifespan)
