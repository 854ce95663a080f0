"""`db.upsert`: one statement for both databases that adds a row or updates the one it meets,
on its own or inside a transaction, with rows coming back as plain tuples either way."""

import pytest
from sqlalchemy import bindparam, select

from flicklist.db import Upsert, excluded
from flicklist.tables import instance_settings

SETTING = instance_settings.c
STORE = Upsert(
    instance_settings,
    values={"name": bindparam("name"), "value": bindparam("value")},
    key=["name"],
    update={"value": excluded(instance_settings).value},
    returning=[SETTING.name, SETTING.value],
)
# Changes a setting only while it still holds `expected`: a compare-and-set.
STORE_IF = Upsert(
    instance_settings,
    values={"name": bindparam("name"), "value": bindparam("value")},
    key=["name"],
    update={"value": excluded(instance_settings).value},
    where=SETTING.value == bindparam("expected"),
    returning=[SETTING.value],
)
STORED = select(SETTING.name, SETTING.value).where(SETTING.name == bindparam("name"))


async def test_an_upsert_adds_a_row_then_updates_it_in_place(app):
    db = app.state.db
    assert await db.upsert(STORE, name="greeting", value="hello") == ("greeting", "hello")
    assert await db.upsert(STORE, name="greeting", value="bonjour") == ("greeting", "bonjour")
    assert await db.fetch_all(STORED, name="greeting") == [("greeting", "bonjour")]


async def test_an_upsert_whose_condition_fails_changes_nothing_and_returns_no_row(app):
    db = app.state.db
    await db.upsert(STORE, name="mode", value="open")
    assert await db.upsert(STORE_IF, str, name="mode", value="closed", expected="invite") is None
    assert await db.upsert(STORE_IF, str, name="mode", value="closed", expected="open") == "closed"
    assert await db.fetch_all(STORED, name="mode") == [("mode", "closed")]


async def test_an_upsert_in_a_transaction_commits_or_rolls_back_with_it(app):
    db = app.state.db
    async with db.transaction() as connection:
        assert await db.upsert(STORE, connection=connection, name="kept", value="yes") == ("kept", "yes")
    with pytest.raises(RuntimeError):
        async with db.transaction() as connection:
            await db.upsert(STORE, connection=connection, name="dropped", value="yes")
            raise RuntimeError("something failed after the upsert")
    assert await db.fetch_all(STORED, name="kept") == [("kept", "yes")]
    assert await db.fetch_all(STORED, name="dropped") == []


async def test_rows_are_plain_tuples_whichever_path_ran_the_query(app):
    db = app.state.db
    direct = await db.upsert(STORE, name="shape", value="tuple")
    async with db.transaction() as connection:
        in_transaction = await db.upsert(STORE, connection=connection, name="shape", value="tuple")
    [read] = await db.fetch_all(STORED, name="shape")
    [written] = await db.write_together((STORED, {"name": "shape"}))
    assert [type(row) for row in (direct, in_transaction, read, written)] == [tuple] * 4
    assert direct == in_transaction == read == written == ("shape", "tuple")
