"""Issue 28's part of `make bench`: media servers' webhook calls and the API's paged watchlist,
on a database holding a small synthetic catalog and many accounts, each with its own Plex and
Jellyfin webhook (every token may make 60 calls a minute, so wrk spreads its calls over all
of them), and the measured account (not the admin) with 5,000 films and API tokens enough for
1,200 requests a minute each. The bodies are shaped as tests/media_servers/ builds them.
run.py serves the app and measures (`run.py media-api`); `cpu_per_call` is the same calls
made in this process, for the CPU time each costs whatever the machine's load."""

import asyncio
import json
import random
import time
from pathlib import Path
from typing import NamedTuple

import httpx
from media_server_calls import THUMB, jellyfin_payload, plex_payload
from sqlalchemy import insert, select, text

from flicklist.catalog.synthetic import write as write_synthetic
from flicklist.db import Database, make_engine
from flicklist.history.plan import Film, movie_row
from flicklist.security import account_tokens
from flicklist.security.passwords import hash_password
from flicklist.tables import films, movies, users

CATALOG_LINES = 60_000  # about 5,000 films
# The first is the admin. Each other account's Plex and Jellyfin webhooks take 60 calls a minute,
# so wrk, going round them all, stays within every token's limit at up to ~10,000 calls a second
# (at 400 a quick machine's calls met 429s, which answer faster than a call that logs).
ACCOUNTS = 2000
WITH_FILMS, FILMS_EACH = 20, 100  # accounts 2 to 21 have that many films
MEASURED_ID, MEASURED_EMAIL = WITH_FILMS + 2, "api@example.com"
MEASURED_FILMS = 5_000  # on its watchlist, half of them catalog films
API_TOKENS = 64  # the measured account's: 76,800 requests a minute in all
SCROBBLED = 101  # catalog films the webhooks report (a prime: with the tokens' count, every pair comes round)
ZONES = ("UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Sydney")
BOUNDARY = "------------------------flicklistbench28"


class Seeded(NamedTuple):
    plex: list[str]  # webhook paths, one per account
    jellyfin: list[str]
    api_tokens: list[str]
    scrobbled: list[tuple[str, str, int]]  # (IMDb id, title, year) of the films the webhooks report


def catalog(folder: Path, database_url: str, load) -> float:
    """The synthetic catalog made and loaded by `load(url, basics, ratings)`; its seconds."""
    basics, ratings = write_synthetic(folder / "media-api-catalog", CATALOG_LINES, seed=28)
    return load(database_url, basics, ratings)[0]


async def seed(database_url: str, password: str) -> Seeded:
    """The accounts, their films and tokens, on a migrated database holding the catalog."""
    engine = make_engine(database_url)
    password_hash = await hash_password(password)
    chooser = random.Random(28)
    async with engine.begin() as connection:
        found = await connection.execute(select(films.c.id, films.c.imdb_id, films.c.title, films.c.year).limit(3000))
        catalog_films = found.all()
        account_rows = [
            {
                "id": n,
                "email": MEASURED_EMAIL if n == MEASURED_ID else f"viewer{n}@example.com",
                "password_hash": password_hash,
                "created_at": 0,
                "is_admin": n == 1,
                "time_zone": None if n % len(ZONES) == 0 else ZONES[n % len(ZONES)],
            }
            for n in range(1, ACCOUNTS + 1)
        ]
        await connection.execute(insert(users), account_rows)
        rows = []
        for user_id in range(2, WITH_FILMS + 2):
            for number, (film_id, _, title, year) in enumerate(chooser.sample(catalog_films, FILMS_EACH)):
                rows.append(movie_row(user_id, Film(title, year, film_id, watched=number % 3 == 0), number + 1))
        for number in range(MEASURED_FILMS):
            if number % 2:
                film_id, _, title, year = catalog_films[number // 2 % len(catalog_films)]
                film = Film(title, year, film_id)
            else:
                film = Film(f"Home video number {number}", 2000 + number % 26, None)
            rows.append(movie_row(MEASURED_ID, film, number + 1))
        await connection.execute(insert(movies), rows)
        if engine.dialect.name == "postgresql":
            await connection.execute(text("SELECT setval('users_id_seq', (SELECT max(id) FROM users))"))
            await connection.execute(text("ANALYZE"))
    await engine.dispose()
    db = Database(database_url)
    try:
        plex, jellyfin = [], []
        async with db.transaction() as connection:
            for user_id in range(2, ACCOUNTS + 1):
                plex.append(f"/webhooks/plex/{await account_tokens.make(connection, user_id, account_tokens.PLEX)}")
                jellyfin.append(
                    f"/webhooks/jellyfin/{await account_tokens.make(connection, user_id, account_tokens.JELLYFIN)}"
                )
            api = [
                await account_tokens.make(connection, MEASURED_ID, account_tokens.API, f"bench {n}")
                for n in range(API_TOKENS)
            ]
    finally:
        await db.close()
    scrobbled = [(imdb, title, year) for _, imdb, title, year in catalog_films[-SCROBBLED:]]
    return Seeded(plex, jellyfin, api, scrobbled)


def seeded(database_url: str, password: str) -> Seeded:
    return asyncio.run(seed(database_url, password))


def plex_body(event: str, film: tuple[str, str, int]) -> bytes:
    """Plex's multipart form: the JSON in `payload`, the poster in `thumb`."""
    imdb, title, year = film
    payload = plex_payload(event, title=title, year=year, Guid=[{"id": f"imdb://{imdb}"}, {"id": "tmdb://949"}])
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="payload"\r\n'
            f"Content-Type: application/json\r\n\r\n{json.dumps(payload)}\r\n"
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="thumb"; filename="thumb.jpg"\r\n'
            f"Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + THUMB
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


PLEX_HEADERS = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}", "User-Agent": "PlexMediaServer/1.41"}
JELLYFIN_HEADERS = {"Content-Type": "application/json", "User-Agent": "Jellyfin-Server/10.10.3"}


def jellyfin_body(film: tuple[str, str, int]) -> bytes:
    imdb, title, year = film
    return json.dumps(jellyfin_payload("PlaybackStop", name=title, year=year, Provider_imdb=imdb)).encode()


def lua_text(data: bytes) -> str:
    """`data` as a Lua string literal, every byte outside printable ASCII escaped (\\ddd)."""
    return '"' + "".join(chr(b) if 32 <= b < 127 and b not in (34, 92) else f"\\{b:03d}" for b in data) + '"'


def calls_script(paths: list[str], bodies: list[bytes], headers: dict[str, str]) -> str:
    """wrk's Lua: POSTs cycling through the webhooks' paths and the bodies (their counts have
    no common factor, so every token in time sends every body)."""
    header_lines = "\n".join(f'wrk.headers["{name}"] = "{value}"' for name, value in headers.items())
    quoted_paths = ", ".join(f'"{path}"' for path in paths)
    quoted_bodies = ",\n".join(lua_text(body) for body in bodies)
    return f"""{header_lines}
paths = {{{quoted_paths}}}
bodies = {{{quoted_bodies}}}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("POST", paths[(counter % #paths) + 1], nil, bodies[(counter % #bodies) + 1])
end
"""


def watchlist_pages(base_url: str, token: str) -> list[str]:
    """The URLs of every page of the measured account's watchlist, following `next`."""
    pages, after = ["/api/v1/watchlist"], None
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}) as client:
        while True:
            answer = client.get(pages[-1])
            answer.raise_for_status()
            if (after := answer.json()["next"]) is None:
                return pages
            pages.append(f"/api/v1/watchlist?after={after}")


def pages_script(pages: list[str], tokens: list[str]) -> str:
    """wrk's Lua: GETs cycling through the pages, each with the next of the tokens."""
    quoted_pages = ", ".join(f'"{page}"' for page in pages)
    quoted_tokens = ", ".join(f'"Bearer {token}"' for token in tokens)
    return f"""pages = {{{quoted_pages}}}
tokens = {{{quoted_tokens}}}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", pages[(counter % #pages) + 1], {{Authorization = tokens[(counter % #tokens) + 1]}})
end
"""


async def call_in_process(app, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> int:
    """One request to the app as its server hands it over, with nothing else in between; its status."""
    path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"bench"), *((k.lower().encode(), v.encode()) for k, v in headers.items())]
        + ([(b"content-length", str(len(body)).encode())] if body else []),
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent, status = False, 0

    async def receive() -> dict:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


def cpu_per_call(app, calls: list[tuple[str, str, dict[str, str], bytes]], profile=None) -> tuple[float, dict]:
    """The CPU milliseconds each call costs, made one after the other in this process (after
    as many to warm up), and the statuses they got."""

    async def make(measured: bool) -> tuple[float, dict]:
        statuses: dict[int, int] = {}
        started = time.process_time()
        if measured and profile is not None:
            profile.enable()
        for method, path, headers, body in calls:
            status = await call_in_process(app, method, path, headers, body)
            statuses[status] = statuses.get(status, 0) + 1
        if measured and profile is not None:
            profile.disable()
        return (time.process_time() - started) * 1000 / len(calls), statuses

    async def both() -> tuple[float, dict]:
        await make(False)
        return await make(True)

    return asyncio.run(both())
