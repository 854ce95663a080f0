"""Alembic environment: runs migrations over the app's own async engine settings."""

import asyncio

from alembic import context

from flicklist.db import make_engine
from flicklist.migrations import described_by_the_models
from flicklist.tables import Base


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        include_name=described_by_the_models,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_online() -> None:
    engine = make_engine(context.config.get_main_option("sqlalchemy.url"))
    async with engine.connect() as connection:
        await connection.run_sync(run_migrations)
    await engine.dispose()


asyncio.run(run_online())
