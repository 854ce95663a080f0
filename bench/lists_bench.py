"""The lists issue's part of `make bench`: one account with 100 films on each list and one
with 5,000 on each, in one database behind one server, so that GET / and /watched in every
sort can be measured for both in turns: a page of 50 should cost the same whatever the list's
length."""

import asyncio
import random

from sqlalchemy import insert, text, update

from flicklist.catalog.text import search_key
from flicklist.db import make_engine
from flicklist.security.passwords import hash_password
from flicklist.tables import Base, movies, users

SMALL, BIG = 100, 5_000
WORDS = ("the", "night", "of", "long", "road", "home", "city", "light", "river", "winter", "king", "blue")


async def seed(database_url: str, password: str) -> dict[str, int]:
    """Empty tables, then small@example.com and big@example.com, each with that many films on
    each list (years, runtimes and ratings spread); the answer is each account's list length."""
    engine = make_engine(database_url)
    password_hash = await hash_password(password)
    randomly = random.Random(7)
    accounts = {"small@example.com": SMALL, "big@example.com": BIG}
    async with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(table.delete())
        for user_id, (email, films) in enumerate(accounts.items(), start=1):
            await connection.execute(
                insert(users).values(id=user_id, email=email, password_hash=password_hash, created_at=0)
            )
            rows = []
            for n in range(2 * films):
                title = " ".join(randomly.choice(WORDS) for _ in range(randomly.randint(1, 4))).title() + f" {n}"
                watched = n % 2 == 1
                rows.append(
                    {
                        "user_id": user_id,
                        "title": title,
                        "title_key": title.casefold(),
                        "sort_title": search_key(title),
                        "year": randomly.randint(1920, 2026),
                        "watched": watched,
                        "rating": randomly.choice([None, *range(1, 11)]) if watched else None,
                        "added_at": n,
                        "watched_at": n if watched else None,
                    }
                )
            await connection.execute(insert(movies), rows)
        # Runtimes as a catalog would give them (the triggers take them from a linked film).
        await connection.execute(update(movies).values(runtime=80 + movies.c.id % 100))
        if engine.dialect.name == "postgresql":
            await connection.execute(text("SELECT setval('movies_id_seq', (SELECT max(id) FROM movies))"))
            await connection.execute(text("SELECT setval('users_id_seq', (SELECT max(id) FROM users))"))
            await connection.execute(text("ANALYZE"))
    await engine.dispose()
    return accounts


def seeded(database_url: str, password: str) -> dict[str, int]:
    return asyncio.run(seed(database_url, password))
