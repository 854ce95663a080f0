"""TMDB's API, as much of it as posters need: where images live (`/configuration`), a film's
poster by its IMDb id (`/find/{imdb_id}?external_source=imdb_id`), and the image itself.

One client per worker. It starts at most REQUESTS_PER_SECOND API requests a second (TMDB
allows about 50 from one address) and, when TMDB answers 429, starts none until the
Retry-After it gave has passed. Images come from TMDB's image CDN, which has no such limit."""

import asyncio
import re
import time
from dataclasses import dataclass

import httpx

from ..whole_numbers import BIG_INTEGER_MAX, whole_number

REQUESTS_PER_SECOND = 20
POSTER_SIZE = "w185"  # 185 by 278 pixels: sharp as a thumbnail on a high-density screen, and the film page's poster
MAX_POSTER_BYTES = 1024 * 1024
CONFIGURATION_SECONDS = 24 * 3600
DEFAULT_RETRY_AFTER = 10
POSTER_PATH = re.compile(r"/[A-Za-z0-9_-]{1,64}\.(?:jpg|png)")
IMAGE_KINDS = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}


class TryLater(Exception):
    """TMDB did not answer usefully this time; `seconds` is how long it asked us to wait, if it said."""

    def __init__(self, reason: str, seconds: int | None = None) -> None:
        super().__init__(reason)
        self.seconds = seconds


class KeyRefused(Exception):
    """TMDB refuses the API key (401): asking again changes nothing until someone fixes it."""


@dataclass(frozen=True)
class Poster:
    content: bytes
    extension: str


class Pace:
    """Request starts spaced 1/per_second apart, and none before a pause ends."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1 / per_second
        self.next_start = 0.0

    async def wait(self) -> None:
        now = time.monotonic()
        start = max(now, self.next_start)
        self.next_start = start + self.interval
        await asyncio.sleep(start - now)

    def pause(self, seconds: float) -> None:
        self.next_start = max(self.next_start, time.monotonic() + seconds)


def retry_after(response: httpx.Response) -> int:
    seconds = whole_number(response.headers.get("retry-after", ""), 0, BIG_INTEGER_MAX)
    return DEFAULT_RETRY_AFTER if seconds is None else min(seconds, 3600)


def json_object(response: httpx.Response) -> dict:
    """The answer's JSON object; {} for anything else (a proxy's error page, say)."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


class TMDB:
    def __init__(self, api_key: str, api_url: str, http: httpx.AsyncClient) -> None:
        self.api_url = api_url
        self.http = http
        self.pace = Pace(REQUESTS_PER_SECOND)
        # TMDB takes a v4 "API read access token" (a JWT) as a bearer token, a v3 key as a parameter.
        is_token = api_key.count(".") == 2
        self.auth_headers = {"Authorization": f"Bearer {api_key}"} if is_token else {}
        self.auth_params = {} if is_token else {"api_key": api_key}
        self.image_base: tuple[float, str] | None = None

    async def get_json(self, path: str, **params: str) -> dict:
        await self.pace.wait()
        try:
            response = await self.http.get(
                f"{self.api_url}{path}", params={**params, **self.auth_params}, headers=self.auth_headers
            )
        except httpx.HTTPError as error:
            raise TryLater(f"{path}: {type(error).__name__}") from error
        if response.status_code == 429:
            wait = retry_after(response)
            self.pace.pause(wait)
            raise TryLater(f"{path}: rate limited", wait)
        body = json_object(response)
        if response.status_code == 401:
            raise KeyRefused(str(body.get("status_message") or "TMDB refused the API key."))
        if response.status_code != 200 or not body:
            raise TryLater(f"{path}: HTTP {response.status_code}")
        return body

    async def image_base_url(self) -> str:
        """Where posters are, e.g. "https://image.tmdb.org/t/p/" (TMDB asks clients to read it, not assume it)."""
        if self.image_base is None or time.monotonic() - self.image_base[0] > CONFIGURATION_SECONDS:
            images = (await self.get_json("/configuration")).get("images") or {}
            base = str(images.get("secure_base_url") or "")
            if not base.startswith(("https://", "http://")):
                raise TryLater("/configuration: no image address")
            self.image_base = (time.monotonic(), base if base.endswith("/") else f"{base}/")
        return self.image_base[1]

    async def poster_path(self, imdb_id: str) -> str | None:
        found = await self.get_json(f"/find/{imdb_id}", external_source="imdb_id")
        for result in (*(found.get("movie_results") or ()), *(found.get("tv_results") or ())):
            path = result.get("poster_path") if isinstance(result, dict) else None
            if isinstance(path, str) and POSTER_PATH.fullmatch(path):
                return path
        return None

    async def poster(self, imdb_id: str) -> Poster | None:
        """The film's poster, or None when TMDB has none."""
        path = await self.poster_path(imdb_id)
        if path is None:
            return None
        url = f"{await self.image_base_url()}{POSTER_SIZE}{path}"
        try:
            async with self.http.stream("GET", url) as response:
                if response.status_code == 404:
                    return None
                if response.status_code != 200:
                    raise TryLater(f"poster: HTTP {response.status_code}")
                content = bytearray()
                async for chunk in response.aiter_bytes():
                    content += chunk
                    if len(content) > MAX_POSTER_BYTES:
                        raise TryLater(f"poster: larger than {MAX_POSTER_BYTES} bytes")
        except httpx.HTTPError as error:
            raise TryLater(f"poster: {type(error).__name__}") from error
        kind = next((kind for magic, kind in IMAGE_KINDS.items() if content.startswith(magic)), None)
        if kind is None:
            raise TryLater("poster: not a JPEG or PNG image")
        return Poster(bytes(content), kind)
