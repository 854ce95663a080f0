"""Migrations: an empty database gets exactly the models' schema, data survives an upgrade,
and the app will not start on a schema behind the code unless told to migrate."""

import asyncio
from dataclasses import replace

import httpx
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import insert, select, text
from support import make_settings

from flicklist.app import SchemaOutOfDate, create_app
from flicklist.catalog.search import search
from flicklist.db import Database, make_engine
from flicklist.migrations import alembic_config, described_by_the_models, upgrade
from flicklist.tables import Base, movies, users, viewings


def run_sync(database_url: str, work):
    async def go():
        engine = make_engine(database_url)
        try:
            async with engine.begin() as connection:
                return await connection.run_sync(work)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def test_migrating_an_empty_database_gives_exactly_the_schema_the_models_describe(empty_database_url):
    upgrade(empty_database_url)
    differences = run_sync(
        empty_database_url,
        lambda connection: compare_metadata(
            MigrationContext.configure(connection, opts={"include_name": described_by_the_models}), Base.metadata
        ),
    )
    assert differences == []


def test_a_catalog_loaded_before_the_word_pairs_is_searched_by_them_after(empty_database_url):
    command.upgrade(alembic_config(empty_database_url), "0014")
    odyssey = {"imdb_id": "tt0062622", "title": "2001: A Space Odyssey", "search_key": "2001 a space odyssey"}
    run_sync(
        empty_database_url,
        lambda connection: connection.execute(
            text(
                "INSERT INTO films (imdb_id, title, original_title, search_key, year, runtime, genres, details, "
                "votes, rating, kind) VALUES (:imdb_id, :title, :title, :search_key, 1968, 149, 'Sci-Fi', '', "
                "700000, 83, 'movie')"
            ),
            odyssey,
        ),
    )
    upgrade(empty_database_url)

    async def found() -> list[str]:
        db = Database(empty_database_url)
        try:
            return [film.title for film in await search(db, "odyssey spa")]
        finally:
            await db.close()

    assert asyncio.run(found()) == ["2001: A Space Odyssey"]


def test_migrating_a_database_that_holds_data_loses_nothing(empty_database_url):
    command.upgrade(alembic_config(empty_database_url), "0001")

    def seed(connection):
        connection.execute(insert(users).values(id=1, email="ann@example.com", password_hash="x", created_at=1))
        connection.execute(
            insert(movies).values(user_id=1, title="Heat", title_key="heat", watched=True, rating=4, added_at=1)
        )

    run_sync(empty_database_url, seed)
    upgrade(empty_database_url)
    rows = run_sync(
        empty_database_url,
        lambda connection: connection.execute(
            select(users.c.email, movies.c.title, movies.c.watched, movies.c.rating).join(movies)
        ).all(),
    )
    assert [tuple(row) for row in rows] == [("ann@example.com", "Heat", True, 8)]  # four stars, in half stars
    diary = run_sync(
        empty_database_url,
        lambda connection: connection.execute(select(viewings.c.watched_on, viewings.c.rating)).all(),
    )
    assert [tuple(row) for row in diary] == [("1970-01-01", 8)]  # a viewing on the day it was crossed off


async def test_the_app_refuses_to_start_on_an_out_of_date_schema(empty_database_url):
    app = create_app(make_settings(empty_database_url))
    with pytest.raises(SchemaOutOfDate, match="Run `flicklist db upgrade`"):
        async with app.router.lifespan_context(app):
            pass


async def test_the_app_migrates_at_start_when_told_to(empty_database_url):
    app = create_app(replace(make_settings(empty_database_url), migrate_on_start=True))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            assert (await client.get("/healthz")).status_code == 200
            assert (await client.get("/register")).status_code == 200


def test_lists_made_before_their_count_are_counted_and_the_count_then_kept(empty_database_url):
    command.upgrade(alembic_config(empty_database_url), "0022")
    made = "INSERT INTO film_lists (user_id, name, description, ranked, source, created_at, updated_at) "
    made += "VALUES (1, :name, '', false, '', 0, 0)"

    def seed(connection):
        connection.execute(text("INSERT INTO users (id, email, password_hash, created_at) VALUES (1, 'a@b.c', 'x', 0)"))
        for name in ("One", "Two"):
            connection.execute(text(made), {"name": name})

    run_sync(empty_database_url, seed)
    upgrade(empty_database_url)
    counted = "SELECT own_lists FROM users"
    assert run_sync(empty_database_url, lambda connection: connection.execute(text(counted)).scalar_one()) == 2
    run_sync(
        empty_database_url, lambda connection: connection.execute(text("DELETE FROM film_lists WHERE name = 'One'"))
    )
    assert run_sync(empty_database_url, lambda connection: connection.execute(text(counted)).scalar_one()) == 1
