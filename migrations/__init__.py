"""Schema migrations with Alembic: `env.py` and `versions/` here, and the calls the app and
the `flicklist db` command make."""

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).resolve().parent


def described_by_the_models(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's include_name: SQLite's FTS5 search tables and their shadow tables are made by
    migrations 0004 and 0015 in raw SQL, not described by the models, and left out of comparisons."""
    return not (type_ == "table" and name is not None and name.startswith(("films_fts", "films_pairs")))


def alembic_config(database_url: str) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


@cache  # the migrations shipped with the code: read once a process, not at every app's start
def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())


def upgrade(database_url: str) -> None:
    """Apply every pending migration (synchronous: Alembic's env.py runs its own event loop)."""
    command.upgrade(alembic_config(database_url), "head")
