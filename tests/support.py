"""What the tests (and the benchmark) share besides fixtures: a visitor who browses like a
browser, how a user reads the banner, a PostgreSQL database made afresh, and the command line
run in this process."""

import asyncio
import io
import os
import re
import secrets
import sqlite3
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

from httpx import AsyncClient, Response
from sqlalchemy import text

from flicklist.cli import main
from flicklist.db import make_engine
from flicklist.settings import Settings, load_settings

PASSWORD = "correct horse battery staple"
DATA = Path(__file__).parent / "data"  # small files in the formats of IMDb's datasets
POSTGRES_SERVER_URL = os.environ.get("FLICKLIST_TEST_DATABASE_URL", "")
# The suite's main PostgreSQL database, made afresh at the start (conftest.migrated_template), so
# nothing an earlier run or another checkout left there (a revision, rows) can break a run. Under
# pytest-xdist (`make test` runs one worker a core) each worker has databases of its own: their
# names carry the worker's (fresh_postgres_database).
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
POSTGRES_URL = (
    f"{POSTGRES_SERVER_URL.rsplit('/', 1)[0]}/flicklist_test{f'_{WORKER}' if WORKER else ''}"
    if POSTGRES_SERVER_URL
    else ""
)


class Visitor:
    """A browser as the tests see it: keeps cookies, and sends the CSRF token its last page gave it."""

    def __init__(self, client: AsyncClient) -> None:
        self.client = client
        self.csrf_token: str | None = None

    async def get(self, url: str, htmx: bool = False) -> Response:
        response = await self.client.get(url, headers=self.htmx_headers() if htmx else {})
        if token := csrf_token_in(response.text):
            self.csrf_token = token
        return response

    async def post(self, url: str, data: dict | None = None, htmx: bool = False, headers: dict | None = None):
        if self.csrf_token is None:
            await self.get("/login")
        fields = {"csrf_token": self.csrf_token, **(data or {})}
        headers = {**(self.htmx_headers() if htmx else {}), **(headers or {})}
        response = await self.client.post(url, data=fields, headers=headers)
        if url in ("/register", "/login", "/logout"):
            self.csrf_token = None  # the session was replaced; the next page hands out a new token
        return response

    async def upload(self, url: str, name: str, content: bytes) -> Response:
        """A multipart form with one file, as a browser sends <input type="file">."""
        if self.csrf_token is None:
            await self.get("/login")
        return await self.client.post(url, data={"csrf_token": self.csrf_token}, files={"file": (name, content)})

    @staticmethod
    def htmx_headers() -> dict[str, str]:
        return {"HX-Request": "true", "HX-Current-URL": "http://testserver/watched"}

    async def register(
        self, email: str, password: str = PASSWORD, verify: str | None = None, htmx=False, headers=None
    ) -> Response:
        fields = {"email": email, "password": password, "verify": password if verify is None else verify}
        return await self.post("/register", fields, htmx=htmx, headers=headers)

    async def login(self, email: str, password: str = PASSWORD, htmx=False, next: str | None = None):
        return await self.post(
            "/login" + (f"?next={next}" if next else ""), {"email": email, "password": password}, htmx=htmx
        )

    async def logout(self):
        return await self.post("/logout")

    async def add(self, title: str, htmx=False) -> Response:
        return await self.post("/movies", {"title": title}, htmx=htmx)

    async def movie_id(self, title: str, page: str = "/") -> int:
        html = (await self.get(page)).text
        row = (
            r'<li class="movie" id="movie-(\d+)">(?:(?!</li>).)*?'
            rf'<a class="title" href="[^"]*" hx-boost="false">{re.escape(title)}</a>'
        )
        match = re.search(row, html, re.DOTALL)
        assert match, f"{title!r} is not on {page}"
        return int(match.group(1))


def csrf_token_in(html: str) -> str | None:
    """The CSRF token a page hands out in its <meta name="csrf-token">, as htmx sends it."""
    match = re.search(r'<meta name="csrf-token" content="([^"]*)"', html)
    return match.group(1) if match else None


class TextReader(HTMLParser):
    """The text of a page as a person reads it: entities decoded, scripts left out, and the
    text of each element carrying a given class collected apart."""

    def __init__(self, css_class: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.css_class = css_class
        self.chunks: list[str] = []
        self.in_script = False
        self.depth = 0  # of open elements inside one with css_class; 0 when outside
        self.found: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.in_script = tag in ("script", "style")
        if tag in VOID_ELEMENTS:
            return
        if self.depth:
            self.depth += 1
        elif self.css_class in (dict(attrs).get("class") or "").split():
            self.depth = 1
            self.found.append([])

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False
        if self.depth and tag not in VOID_ELEMENTS:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.in_script:
            self.chunks.append(data)
            if self.depth:
                self.found[-1].append(data)


VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def collapse(chunks: list[str]) -> str:
    return " ".join("".join(chunks).split())


def text_of(html: str) -> str:
    """All the text a person reads on the page, spaces collapsed."""
    reader = TextReader()
    reader.feed(html)
    return collapse(reader.chunks)


def texts_of_class(html: str, css_class: str) -> list[str]:
    """The text of each element with `css_class`, as a person reads it."""
    reader = TextReader(css_class)
    reader.feed(html)
    return [collapse(chunks) for chunks in reader.found]


async def waits_while_the_app_answers(user: Visitor, change: asyncio.Task, holder: sqlite3.Connection) -> Response:
    """`change` (a request) waits for `holder`, a connection holding the SQLite file's lock, and
    the app serves a page meanwhile; then the holder commits and the change goes through."""
    started = time.monotonic()
    await asyncio.sleep(0.5)
    assert time.monotonic() - started < 1.5, "the event loop was held up"
    assert not change.done(), "the change waits for the file"
    assert (await user.client.get("/static/app.css")).status_code == 200, "the app answers meanwhile"
    holder.execute("COMMIT")
    holder.close()
    return await change


def flashes(html: str) -> list[str]:
    """The messages in the flash banner, as the user reads them."""
    return texts_of_class(html, "flash-text")


def fresh_postgres_database(database_url: str, name: str) -> str:
    """The URL of database `name` (with this xdist worker's name) on the server of
    `database_url`, dropped and created empty."""
    name = f"{name}_{WORKER}" if WORKER else name

    async def recreate() -> None:
        engine = make_engine(database_url)
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            await connection.execute(text(f"CREATE DATABASE {name}"))
        await engine.dispose()

    asyncio.run(recreate())
    return database_url.rsplit("/", 1)[0] + "/" + name


def live_database_url(tmp_path_factory, name: str) -> str:
    """A database of its own for a live server: a new SQLite file, or on PostgreSQL one made
    afresh, so what earlier runs left in the test database stays out."""
    if POSTGRES_URL:
        return fresh_postgres_database(POSTGRES_SERVER_URL, f"flicklist_{name}")
    return f"sqlite+aiosqlite:///{tmp_path_factory.mktemp(name) / 'flicklist.sqlite3'}"


def make_settings(database_url: str, **environment: str) -> Settings:
    """Settings as the app reads them from the environment (FLICKLIST_ + each name, upper-cased)."""
    defaults = {
        "database_url": database_url,
        "secret_key": secrets.token_urlsafe(32),
        "session_idle_seconds": "3600",
        "session_absolute_seconds": "86400",
        "tune_gc": "0",
        **environment,
    }
    return load_settings({f"FLICKLIST_{name.upper()}": value for name, value in defaults.items()})


@dataclass(frozen=True)
class Ran:
    """What a command gave back, as a shell sees it."""

    returncode: int
    stdout: str
    stderr: str


def run_main(*args: str, environment: dict[str, str] | None = None) -> Ran:
    """`flicklist ARGS` run by `cli.main` in this process, with `environment` added to its
    own, no terminal on stdin, and its output captured. In a thread of its own, which has no
    event loop, so that the command's asyncio.run works from async tests as well."""
    stdout, stderr = io.StringIO(), io.StringIO()

    def run() -> int:
        with (
            mock.patch.dict(os.environ, environment or {}),
            mock.patch.object(sys, "stdin", io.StringIO()),
            redirect_stdout(stdout),
            redirect_stderr(stderr),
        ):
            try:
                return main(list(args))
            except SystemExit as exit:  # argparse's --help and usage errors
                return exit.code or 0

    with ThreadPoolExecutor(max_workers=1) as thread:
        returncode = thread.submit(run).result(timeout=120)
    return Ran(returncode, stdout.getvalue(), stderr.getvalue())


async def profile_named(visitor: Visitor, name: str, *shared: str) -> None:
    """The visitor's profile name (features/friends.py), sharing with followers what `shared`
    names of "diary", "reviews" and "watchlist"."""
    fields = {"profile_name": name, **{f"share_{what}": "on" for what in shared}}
    assert (await visitor.post("/account/profile", fields)).status_code == 303


async def befriend(follower: Visitor, followed: Visitor, followed_name: str) -> None:
    """`follower` asks to follow `followed` by their profile name, and `followed` accepts."""
    await follower.post("/friends/follow", {"who": followed_name})
    (request_id,) = re.findall(r'action="/friends/(\d+)/accept"', (await followed.get("/friends")).text)
    assert (await followed.post(f"/friends/{request_id}/accept")).status_code == 303
