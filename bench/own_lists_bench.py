"""Issue 29's part of `make bench`: lists of one's own, on a database holding a synthetic
catalog and many accounts with lists; the measured account (not the admin) has a 100-film and
a 5,000-film ranked list, half of their films from the catalog, with notes. run.py serves the
app and measures (`run.py own-lists`): each list's page read by wrk in turns; a move from place
4,000 to the top, as the row's form posts it, timed by an outside client, with the rows it
wrote counted in the database; and a Letterboxd export of 27 lists (about 2,000 films) imported
with and without its lists, in the real format."""

import asyncio
import io
import random
import zipfile
from typing import NamedTuple

from sqlalchemy import insert, select, text

from flicklist.catalog.text import search_key
from flicklist.db import make_engine
from flicklist.own_lists.positions import GAP
from flicklist.security.passwords import hash_password
from flicklist.tables import film_list_entries, film_lists, films, title_key, users

ACCOUNTS = 500  # the first is the admin
OTHERS_LISTS, OTHERS_FILMS = 3, 40  # each other account's lists, and films on each
MEASURED_ID, MEASURED_EMAIL = ACCOUNTS + 1, "lists@example.com"
SMALL, BIG = 100, 5_000
MOVED_FROM = 4_000
EXPORT_LISTS, EXPORT_LIST_FILMS = 27, 74  # 1,998 films on lists, as the real export


class Seeded(NamedTuple):
    small: int  # the measured account's lists' ids
    big: int


def entry_rows(list_id: int, user_id: int, count: int, catalog: list[tuple], chooser: random.Random) -> list[dict]:
    rows = []
    for place in range(1, count + 1):
        if place % 2:
            film_id, title, _ = catalog[chooser.randrange(len(catalog))]
            key = title_key("", film_id)
        else:
            film_id, title = None, f"A film of my own number {place}"
            key = title_key(title, None)
        note = f"Note {place}: seen at the festival." if place % 10 == 0 else ""
        rows.append(
            {
                "list_id": list_id,
                "user_id": user_id,
                "title": title,
                "title_key": key,
                "sort_title": search_key(title),
                "year": None,
                "film_id": film_id,
                "position": place * GAP,
                "note": note,
                "added_at": place,
            }
        )
    # A film the catalog holds twice in one list breaks the list's unique key: once each.
    kept, seen = [], set()
    for row in rows:
        if row["title_key"] not in seen:
            seen.add(row["title_key"])
            kept.append(row)
    return kept


async def seed(database_url: str, password: str) -> Seeded:
    engine = make_engine(database_url)
    password_hash = await hash_password(password)
    chooser = random.Random(29)
    async with engine.begin() as connection:
        catalog = (await connection.execute(select(films.c.id, films.c.title, films.c.year).limit(20_000))).all()
        await connection.execute(
            insert(users),
            [
                {
                    "id": n,
                    "email": MEASURED_EMAIL if n == MEASURED_ID else f"viewer{n}@example.com",
                    "password_hash": password_hash,
                    "created_at": 0,
                    "is_admin": n == 1,
                }
                for n in range(1, MEASURED_ID + 1)
            ],
        )
        lists = [
            {
                "user_id": user_id,
                "name": f"List {n}",
                "description": "",
                "ranked": n == 0,
                "created_at": 0,
                "updated_at": 0,
            }
            for user_id in range(2, ACCOUNTS + 1)
            for n in range(OTHERS_LISTS)
        ]
        lists += [
            {
                "user_id": MEASURED_ID,
                "name": name,
                "description": "Mine.",
                "ranked": True,
                "created_at": 0,
                "updated_at": 0,
            }
            for name in ("Top hundred", "Five thousand")
        ]
        await connection.execute(insert(film_lists), lists)
        ids = (await connection.execute(select(film_lists.c.id, film_lists.c.user_id).order_by(film_lists.c.id))).all()
        rows = []
        for list_id, user_id in ids[:-2]:
            rows += entry_rows(list_id, user_id, OTHERS_FILMS, catalog, chooser)
        (small, _), (big, _) = ids[-2:]
        rows += entry_rows(small, MEASURED_ID, SMALL, catalog, chooser)
        rows += entry_rows(big, MEASURED_ID, BIG, catalog, chooser)
        for start in range(0, len(rows), 5_000):
            await connection.execute(insert(film_list_entries), rows[start : start + 5_000])
        if engine.dialect.name == "postgresql":
            await connection.execute(text("SELECT setval('users_id_seq', (SELECT max(id) FROM users))"))
    if engine.dialect.name == "postgresql":
        async with engine.connect() as connection:
            await connection.execute(text("COMMIT"))
            await connection.execute(text("ANALYZE"))
    await engine.dispose()
    return Seeded(small, big)


def seeded(database_url: str, password: str) -> Seeded:
    return asyncio.run(seed(database_url, password))


async def positions_of(database_url: str, list_id: int) -> dict[int, int]:
    """Each entry's position: compared before and after a move, the rows it wrote."""
    engine = make_engine(database_url)
    async with engine.connect() as connection:
        found = await connection.execute(
            select(film_list_entries.c.id, film_list_entries.c.position).where(film_list_entries.c.list_id == list_id)
        )
        positions = dict(found.all())
    await engine.dispose()
    return positions


def in_order(positions: dict[int, int]) -> list[int]:
    return [entry for entry, _ in sorted(positions.items(), key=lambda item: (item[1], item[0]))]


def list_csv(name: str, films_listed: list[tuple[str, str]], ranked: bool) -> bytes:
    out = io.StringIO()
    out.write("Letterboxd list export v7\r\nDate,Name,Tags,URL,Description\r\n")
    out.write(f'2024-01-01,{name},,https://boxd.it/l,"A list, described."\r\n\r\n')
    out.write("Position,Name,Year,URL,Description\r\n")
    for place, (title, year) in enumerate(films_listed, start=1):
        out.write(f'{place if ranked else ""},"{title}",{year},https://boxd.it/f{place},\r\n')
    return out.getvalue().encode()


def with_lists(export: bytes, known: list[tuple[str, int | None]], seed: int = 29) -> bytes:
    """The export with 27 lists of 74 films each, as Letterboxd writes them (lists/<slug>.csv)."""
    chooser = random.Random(seed)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(export)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            archive.writestr(name, source.read(name))
        for number in range(EXPORT_LISTS):
            picked = [(title, str(year or "")) for title, year in chooser.sample(known, EXPORT_LIST_FILMS)]
            archive.writestr(f"lists/list-{number}.csv", list_csv(f"List number {number}", picked, number % 2 == 0))
    return out.getvalue()
