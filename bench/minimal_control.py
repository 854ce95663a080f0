"""The outside scenario's control (issue 31): a minimal Starlette + Jinja page of 100 rows, each
a title and a one-button form, with no FlickList code at all, as someone measuring FlickList
from outside would write it. The app's list pages are compared with it in the same run.

    .venv/bin/uvicorn minimal_control:app --app-dir bench"""

from jinja2 import DictLoader, Environment
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route
from starlette.templating import Jinja2Templates

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Watchlist</title></head>
<body>
<main>
<h1>Watchlist</h1>
<ul>
{% for movie in movies %}
  <li id="movie-{{ movie.id }}">
    <span>{{ movie.title }}</span>
    <form method="post" action="/movies/{{ movie.id }}/watched">
      <input type="hidden" name="csrf_token" value="{{ csrf }}">
      <button>I watched it!</button>
    </form>
  </li>
{% endfor %}
</ul>
</main>
</body>
</html>
"""
MOVIES = [{"id": number, "title": f"Movie number {number}"} for number in range(100, 0, -1)]
CSRF = "a-token-of-the-usual-length-for-a-form-in-this-page"

templates = Jinja2Templates(env=Environment(loader=DictLoader({"page.html": PAGE}), autoescape=True))


async def watchlist(request: Request):
    return templates.TemplateResponse(request, "page.html", {"movies": MOVIES, "csrf": CSRF})


app = Starlette(routes=[Route("/", watchlist)])
