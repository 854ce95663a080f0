"""Issue 30's page targets, for run.py's `people` part: on the synthetic catalog with its people
loaded (bench/people_bench.py makes the files), a person credited in 200 films (directed 100 of
the most voted, played in the next 100) and a measured account, not the admin, with 60 of them
on its lists and 20 of those watched, so that the person's page marks them; and what people type
into the add field by a film's title elsewhere ("die fabel"), drawn as catalog_bench draws
typed titles."""

import asyncio
import random

from sqlalchemy import func, insert, select

from flicklist.catalog.generations import CREDITS, generation_in_use
from flicklist.db import make_engine
from flicklist.tables import film_akas, film_credits, films, people

PERSON_FILMS = 200
ON_LISTS, WATCHED = 60, 20


async def seed_person(url: str) -> tuple[int, int]:
    """The person of 200 films (a new id past IMDb's), and the most credited of the most voted
    100 films: their ids."""
    engine = make_engine(url)
    async with engine.begin() as connection:
        person_id = (await connection.execute(select(func.max(people.c.id)))).scalar_one() + 1
        generation = (await connection.execute(select(generation_in_use(CREDITS)))).scalar_one()
        top = (await connection.execute(select(films.c.id).order_by(films.c.id).limit(PERSON_FILMS))).scalars().all()
        await connection.execute(
            insert(people).values(id=person_id, name="Bench Person", birth_year=1960, death_year=None, professions="")
        )
        credit = {"generation": generation, "person_id": person_id, "job": ""}
        await connection.execute(
            insert(film_credits),
            [
                {
                    **credit,
                    "film_id": film_id,
                    "role": "director" if n < 100 else "actor",
                    "position": 999,
                    "characters": "" if n < 100 else f"Role {n}",
                }
                for n, film_id in enumerate(top)
            ],
        )
        count = func.count().label("credits")
        busiest = (
            select(film_credits.c.film_id)
            .where(film_credits.c.generation == generation, film_credits.c.film_id.in_(top[:100]))
            .group_by(film_credits.c.film_id)
            .order_by(count.desc())
            .limit(1)
        )
        film_id = (await connection.execute(busiest)).scalar_one()
    await engine.dispose()
    return person_id, film_id


def person_films(url: str) -> list[int]:
    async def read() -> list[int]:
        engine = make_engine(url)
        async with engine.connect() as connection:
            found = select(films.c.id).order_by(films.c.id).limit(PERSON_FILMS)
            ids = (await connection.execute(found)).scalars().all()
        await engine.dispose()
        return list(ids)

    return asyncio.run(read())


def aka_queries(url: str, count: int, seed: int) -> list[str]:
    """The first one to three words of the titles elsewhere of popular films, the last often
    half-typed, as catalog_bench.typed_queries draws a film's own."""

    async def titles() -> list[str]:
        engine = make_engine(url)
        async with engine.connect() as connection:
            found = (
                select(film_akas.c.title)
                .where(film_akas.c.film_id <= 50_000, film_akas.c.region != "")
                .order_by(film_akas.c.film_id)
                .limit(20_000)
            )
            rows = (await connection.execute(found)).scalars().all()
        await engine.dispose()
        return list(rows)

    chooser = random.Random(seed)
    known = asyncio.run(titles())
    queries = []
    for _ in range(count):
        words = chooser.choice(known).split()[: chooser.randint(1, 3)]
        if len(words[-1]) > 3 and chooser.random() < 0.5:
            words[-1] = words[-1][: chooser.randint(2, len(words[-1]) - 1)]
        queries.append(" ".join(words))
    return queries
