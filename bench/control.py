"""The control for the benchmark: the very same watchlist page, rendered by the same
templates and the same rendering code, but with no session middleware and no database, so
the ratio app/control shows what sessions, the login wall and queries cost on top of
rendering alone."""

from contextlib import asynccontextmanager
from types import SimpleNamespace

from starlette.applications import Starlette
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.routing import Route

from flicklist.app import register_templates
from flicklist.cli import tune_garbage_collector
from flicklist.lists.rows import ListedMovie
from flicklist.lists.view import CHOICES, PAGE_SIZE, read_view
from flicklist.web.rendering import page

# The first page of a 100-film watchlist, newest first, as the app's GET / shows it.
ROWS = [ListedMovie(number, f"Movie number {number}", None) for number in range(100, 100 - PAGE_SIZE, -1)]
VIEW = read_view(QueryParams(), watched=False)
MORE = f"/?after={ROWS[-1].id}.{ROWS[-1].id}"
register_templates()
USER = SimpleNamespace(id=1, email="bench@example.com", watchlist_films=100, watched_films=20)


async def watchlist(request: Request):
    request.scope["session"] = {"csrf": "a-fixed-token-of-the-usual-length-for-the-control-route"}
    request.scope.setdefault("state", {})["user"] = USER
    return page(request, "templates/watchlist.html", {"movies": ROWS, "view": VIEW, "choices": CHOICES, "more": MORE})


@asynccontextmanager
async def lifespan(app: Starlette):
    tune_garbage_collector()  # as `flicklist serve` does, so the ratio does not count it
    yield


app = Starlette(routes=[Route("/", watchlist)], lifespan=lifespan)
