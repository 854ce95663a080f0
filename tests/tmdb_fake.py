"""A stand-in for TMDB's API, which this machine cannot reach: a real HTTP server on
127.0.0.1, answering as TMDB's documentation describes (developer.themoviedb.org):

- `GET /3/configuration` gives `images.secure_base_url` and the poster sizes;
- `GET /3/find/{external_id}?external_source=imdb_id` gives `movie_results` (and the other
  `*_results` lists), each with a `poster_path` or null, every list empty for an unknown id;
- a wrong key is 401 with `status_code` 7; over the rate limit is 429 with `status_code` 25
  and Retry-After;
- images are at `{secure_base_url}{size}{poster_path}`.

The app's own HTTP client talks to it over the network, as it would to TMDB. Tests set what
it knows and how it misbehaves, and read back what it was asked."""

import asyncio
import io
import threading
import time
from dataclasses import dataclass, field

import segno
import uvicorn
from browser_support import free_port
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

API_KEY = "0123456789abcdef0123456789abcdef"


def poster_image(text: str) -> bytes:
    """A real PNG (a QR code of `text`), different for each film."""
    buffer = io.BytesIO()
    segno.make(text).save(buffer, kind="png", scale=4)
    return buffer.getvalue()


@dataclass
class Asked:
    path: str
    query: dict[str, str]
    authorization: str | None
    at: float


@dataclass
class FakeTMDB:
    posters: dict[str, bytes] = field(default_factory=dict)  # IMDb id -> its poster
    without_poster: set[str] = field(default_factory=set)  # films TMDB knows, with poster_path null
    failures: dict[str, list[int]] = field(default_factory=dict)  # IMDb id -> statuses to answer first
    retry_after: list[int] = field(default_factory=list)  # a 429 with each Retry-After, before anything else
    image_body: dict[str, bytes] = field(default_factory=dict)  # IMDb id -> what its image URL answers instead
    delay: float = 0.0
    asked: list[Asked] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    url: str = ""

    def finds(self) -> list[Asked]:
        return [asked for asked in self.asked if asked.path.startswith("/3/find/")]

    async def log(self, request: Request) -> None:
        self.asked.append(
            Asked(request.url.path, dict(request.query_params), request.headers.get("authorization"), time.monotonic())
        )
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.in_flight -= 1

    def refusal(self, request: Request) -> Response | None:
        keyed = request.query_params.get("api_key") == API_KEY
        if not keyed and request.headers.get("authorization") != f"Bearer {API_KEY}":
            message = "Invalid API key: You must be granted a valid key."
            return JSONResponse({"success": False, "status_code": 7, "status_message": message}, 401)
        if self.retry_after:
            message = "Your request count (41) is over the allowed limit of (40)."
            headers = {"Retry-After": str(self.retry_after.pop(0))}
            return JSONResponse({"success": False, "status_code": 25, "status_message": message}, 429, headers)
        return None

    async def configuration(self, request: Request) -> Response:
        await self.log(request)
        if refused := self.refusal(request):
            return refused
        sizes = ["w92", "w154", "w185", "w342", "w500", "w780", "original"]
        images = {"base_url": f"{self.url}/t/p/", "secure_base_url": f"{self.url}/t/p/", "poster_sizes": sizes}
        return JSONResponse({"images": images, "change_keys": ["images"]})

    async def find(self, request: Request) -> Response:
        await self.log(request)
        if refused := self.refusal(request):
            return refused
        imdb_id = request.path_params["external_id"]
        if self.failures.get(imdb_id):
            status = self.failures[imdb_id].pop(0)
            return JSONResponse({"success": False, "status_code": 11, "status_message": "Internal error."}, status)
        results = {name: [] for name in ("movie_results", "person_results", "tv_results", "tv_episode_results")}
        results["tv_season_results"] = []
        if imdb_id in self.posters or imdb_id in self.without_poster:
            poster_path = f"/{imdb_id}poster.png" if imdb_id in self.posters else None
            movie = {"id": int(imdb_id[2:]), "title": imdb_id, "poster_path": poster_path, "media_type": "movie"}
            results["movie_results"].append({**movie, "adult": False, "backdrop_path": None, "video": False})
        return JSONResponse(results)

    async def image(self, request: Request) -> Response:
        await self.log(request)
        imdb_id = request.path_params["file"].removesuffix("poster.png")
        if request.path_params["size"] != "w185" or imdb_id not in self.posters:
            return Response("Not found", 404)
        content = self.image_body.get(imdb_id, self.posters[imdb_id])
        return Response(content, media_type="image/png")


class RunningTMDB:
    """The fake served by uvicorn on its own thread and event loop, like a server elsewhere."""

    def __init__(self, fake: FakeTMDB) -> None:
        port = free_port()
        fake.url = f"http://127.0.0.1:{port}"
        self.fake = fake
        routes = [
            Route("/3/configuration", fake.configuration),
            Route("/3/find/{external_id}", fake.find),
            Route("/t/p/{size}/{file}", fake.image),
        ]
        config = uvicorn.Config(Starlette(routes=routes), host="127.0.0.1", port=port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the fake TMDB did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
