"""Issue 31's outside scenario, as a person measuring FlickList from outside made it: accounts
made through the sign-up form, 20 of them with 20 films each, then one more account (not the
first, so not an admin) that adds free-text titles by HTMX POST, as the add field sends them,
and reads its flashes; the page is then read with that account's own cookies. run.py serves
the app, loads the catalog, and measures (`run.py outside`)."""

import asyncio
import random
import re

import httpx
from history_bench import account_csrf
from sqlalchemy import select

from flicklist.db import make_engine
from flicklist.tables import movies, users

OTHER_ACCOUNTS = 20
FILMS_EACH = 20
LISTED = 100  # the measured account's films on each list
# Words no synthetic catalog title is made of (catalog/synthetic.py), so a typed title
# names no film and is kept as typed, as a home video or a festival short is.
WORDS = """grandma's beach weekend rehearsal recital tape footage camcorder vacation birthday
graduation picnic barbecue reunion tournament concert ferry lakeside campfire canoe fireworks
puppet talent science fair parade backyard garage attic""".split()  # noqa: SIM905 (a block of words reads better)


def free_text_titles(count: int, seed: int) -> list[str]:
    """`count` distinct titles of two to five words and a year, as people type them."""
    chooser = random.Random(seed)
    titles: dict[str, None] = {}
    while len(titles) < count:
        words = " ".join(chooser.choices(WORDS, k=chooser.randint(2, 5))).capitalize()
        titles[f"{words} {chooser.randint(1985, 2025)}"] = None
    return list(titles)


def htmx_headers(csrf: str, page_url: str) -> dict[str, str]:
    """What htmx sends with a form of the page at `page_url`: the CSRF header, HX-Request and
    HX-Current-URL (by which the app answers an add with the new row for the list shown)."""
    return {"HX-Request": "true", "HX-Current-URL": page_url, "X-CSRF-Token": csrf}


def add(client: httpx.Client, csrf: str, title: str) -> int:
    """The add field's POST on the watchlist page; the id of the row it answers with."""
    headers = htmx_headers(csrf, str(client.base_url.join("/")))
    response = client.post("/movies", data={"title": title}, headers=headers)
    found = re.search(r'action="/movies/(\d+)/watched"', response.text)
    assert response.status_code == 200 and found, f"{title!r} was not added: {response.status_code}"
    return int(found.group(1))


def cross_off(client: httpx.Client, csrf: str, movie_id: int) -> None:
    response = client.post(f"/movies/{movie_id}/watched", headers=htmx_headers(csrf, str(client.base_url.join("/"))))
    assert response.status_code == 200 and "Crossed off" in response.text, response.text[-500:]


def fill(client: httpx.Client, titles: list[str], crossed_off: int = 0) -> None:
    """Adds `titles` one by one, crosses the first `crossed_off` of them off, and reads the
    flashes left over on the next page, as the browser does."""
    csrf = account_csrf(client)
    ids = [add(client, csrf, title) for title in titles]
    for movie_id in ids[:crossed_off]:
        cross_off(client, csrf, movie_id)
    client.get("/")


def cookie_header(client: httpx.Client) -> str:
    """Every cookie the browser holds for the site, as it sends them."""
    return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def watchlist_ids(database_url: str, email: str) -> list[int]:
    """The ids of the films on an account's watchlist, oldest first."""

    async def read() -> list[int]:
        engine = make_engine(database_url)
        owner = select(users.c.id).where(users.c.email == email).scalar_subquery()
        query = select(movies.c.id).where(movies.c.user_id == owner, movies.c.watched.is_(False)).order_by(movies.c.id)
        async with engine.connect() as connection:
            ids = list((await connection.execute(query)).scalars())
        await engine.dispose()
        return ids

    return asyncio.run(read())


def cross_off_script(headers: dict[str, str], ids: list[int]) -> str:
    """wrk's Lua: HTMX cross off of each film in `ids` in turn, starting over once all are done."""
    header_lines = "\n".join(f'wrk.headers["{name}"] = "{value}"' for name, value in headers.items())
    return f"""{header_lines}
ids = {{{", ".join(map(str, ids))}}}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("POST", "/movies/" .. ids[((counter - 1) % #ids) + 1] .. "/watched")
end
"""
