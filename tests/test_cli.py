"""The `flicklist` command: migrations, accounts, help, and what `serve` does to the process."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from browser_support import PROJECT_DIR, free_port
from sqlalchemy import func, insert, select
from support import PASSWORD, POSTGRES_URL, Ran, run_main

from flicklist.catalog.imdb_files import BASICS_COLUMNS as BASICS_HEADER
from flicklist.tables import films, totp_secrets


def cli_environment(database_url: str, password: str | None = None) -> dict[str, str]:
    env = {
        "FLICKLIST_DATABASE_URL": database_url,
        "FLICKLIST_SECRET_KEY": "cli-test-key-that-is-long-enough-to-sign",
    }
    if password is not None:
        env["FLICKLIST_PASSWORD"] = password
    return env


def cli(*args: str, database_url: str, password: str | None = None) -> Ran:
    return run_main(*args, environment=cli_environment(database_url, password))


def test_the_command_line_migrates_and_manages_users(empty_database_url):
    url = empty_database_url
    assert cli("db", "current", database_url=url).returncode == 1
    assert "head" in cli("db", "upgrade", database_url=url).stdout
    assert cli("db", "current", database_url=url).returncode == 0

    created = cli("users", "create", "Ann@Example.com", database_url=url, password=PASSWORD)
    assert created.returncode == 0, created.stderr
    assert "<ann@example.com> (admin)" in created.stdout, "the first account of an instance is its admin"
    assert "ann@example.com\tadmin" in cli("users", "list", database_url=url).stdout

    duplicate = cli("users", "create", "ann@example.com", database_url=url, password=PASSWORD)
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
    weak = cli("users", "create", "bob@example.com", database_url=url, password="short")
    assert weak.returncode == 1 and "at least 15 characters" in weak.stderr

    assert (
        cli("users", "set-password", "ann@example.com", database_url=url, password="a brand new passphrase").returncode
        == 0
    )
    trivial = cli("users", "set-password", "ann@example.com", database_url=url, password="b" * 20)
    assert trivial.returncode == 1 and "repeated character" in trivial.stderr
    missing = cli("users", "delete", "nobody@example.com", database_url=url)
    assert missing.returncode == 1 and "No account" in missing.stderr
    assert cli("users", "delete", "ann@example.com", database_url=url).returncode == 0
    assert "ann@example.com" not in cli("users", "list", database_url=url).stdout


def test_the_command_line_says_when_the_database_is_not_migrated(empty_database_url):
    result = cli("users", "list", database_url=empty_database_url)
    assert result.returncode == 1
    assert "flicklist db upgrade" in result.stderr and "Traceback" not in result.stderr


def test_a_command_on_a_sqlite_file_that_is_not_there_says_so_and_makes_none(tmp_path):
    missing = tmp_path / "nothing-here.sqlite3"
    for command in (("db", "current"), ("users", "list"), ("catalog", "status")):
        ran = cli(*command, database_url=f"sqlite+aiosqlite:///{missing}")
        assert (ran.returncode, ran.stderr) == (
            1,
            f"flicklist: No database at {missing}: has `flicklist db upgrade` been run?\n",
        ), command
    assert not missing.exists()


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("serve",),
        ("db",),
        ("db", "upgrade"),
        ("users",),
        ("users", "create"),
        ("users", "set-password"),
        ("users", "promote"),
        ("backup",),
        ("restore",),
    ],
)
def test_every_command_has_help(args):
    result = run_main(*args, "--help")
    assert result.returncode == 0 and "usage: flicklist" in result.stdout


def test_the_command_line_names_the_databases_it_runs_on():
    result = cli("users", "list", database_url="mysql://root@127.0.0.1/test")
    assert result.returncode == 1
    assert "sqlite+aiosqlite:///PATH or postgresql+asyncpg://" in result.stderr and "Traceback" not in result.stderr


GC_AFTER_START = """
import gc
from flicklist.cli import served_app
from flicklist.app import create_app
default = gc.get_threshold()
create_app()
assert gc.get_threshold() == default, "create_app() leaves the process alone"
served_app()
print(gc.get_threshold()[0], gc.get_freeze_count() > 0)
"""


@pytest.mark.live_server
@pytest.mark.parametrize(("setting", "tuned"), [("1", "20000 True"), ("0", "700 False")])
def test_serve_tunes_the_garbage_collector_once_unless_told_not_to(tmp_path, setting, tuned):
    env = {
        **os.environ,
        "FLICKLIST_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}",
        "FLICKLIST_SECRET_KEY": "cli-test-key-that-is-long-enough-to-sign",
        "FLICKLIST_TUNE_GC": setting,
    }
    result = subprocess.run([sys.executable, "-c", GC_AFTER_START], env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == tuned, result.stderr


async def test_removing_every_second_factor_lets_the_password_alone_log_in_again(user, app, settings):
    async with app.state.db.transaction() as connection:
        await connection.execute(insert(totp_secrets).values(user_id=1, secret="A" * 32, last_step=0, created_at=0))
    await user.logout()
    assert (await user.login("ann@example.com")).headers["location"] == "/login/verify", "the app is on"
    result = cli("users", "remove-second-factors", "ANN@example.com", database_url=settings.database_url)
    assert result.returncode == 0 and "Removed every passkey" in result.stdout
    await user.logout()
    assert (await user.login("ann@example.com")).headers["location"] == "/"
    missing = cli("users", "remove-second-factors", "nobody@example.com", database_url=settings.database_url)
    assert missing.returncode == 1 and "No account for nobody@example.com." in missing.stderr


def test_the_catalog_commands_load_report_and_refuse_a_bad_file(empty_database_url, tmp_path):
    data = PROJECT_DIR / "tests" / "data"
    assert cli("db", "upgrade", database_url=empty_database_url).returncode == 0
    empty = cli("catalog", "status", database_url=empty_database_url)
    assert "No catalog loaded" in empty.stdout
    loaded = cli(
        "catalog",
        "load",
        str(data / "title.basics.tsv"),
        "--ratings",
        str(data / "title.ratings.tsv"),
        database_url=empty_database_url,
    )
    assert loaded.returncode == 0, loaded.stderr
    summary = "Loaded title.basics.tsv: 36 lines read, 14 films added, 0 updated; the catalog holds 14 films."
    assert summary in loaded.stdout, "36 lines: both files"
    assert loaded.stderr == "", "no progress bar when not on a terminal"
    status = cli("catalog", "status", database_url=empty_database_url)
    assert status.stdout.startswith("14 films, last loaded ") and "from title.basics.tsv" in status.stdout
    assert "Posters: placeholders only (FLICKLIST_TMDB_API_KEY is not set)." in status.stdout
    bad = tmp_path / "title.basics.tsv"
    bad.write_text((data / "title.basics.tsv").read_text().replace("\t1995\t", "\tsoon\t"))
    refused = cli("catalog", "load", str(bad), database_url=empty_database_url)
    assert refused.returncode == 1
    assert refused.stderr == (
        "flicklist: title.basics.tsv, line 2: startYear must be a whole number or \\N, not 'soon'. "
        "The catalog is unchanged.\n"
    )
    missing = cli("catalog", "load", str(tmp_path / "nope.tsv"), database_url=empty_database_url)
    assert missing.returncode == 1 and "nope.tsv: no such file." in missing.stderr


def test_catalog_load_takes_a_folder_of_imdbs_files_and_refuses_what_it_cannot_load(empty_database_url, tmp_path):
    data = PROJECT_DIR / "tests" / "data"
    assert cli("db", "upgrade", database_url=empty_database_url).returncode == 0
    loaded = cli("catalog", "load", str(data), database_url=empty_database_url)
    assert loaded.returncode == 0, loaded.stderr
    assert "Loaded title.basics.tsv: 36 lines read, 14 films added" in loaded.stdout
    assert "the catalog holds 34 credits of 21 people and 11 alternate titles." in loaded.stdout
    status = cli("catalog", "status", database_url=empty_database_url)
    assert "People: 34 credits of 21 people; 11 titles elsewhere." in status.stdout
    names = data / "name.basics.tsv"
    strange = tmp_path / "people.tsv"
    strange.write_text(names.read_text())
    both = cli("catalog", "load", str(names), str(strange), database_url=empty_database_url)
    assert both.returncode == 1 and "people.tsv: not one of IMDb's file names" in both.stderr
    alone = cli("catalog", "load", str(data / "title.ratings.tsv"), database_url=empty_database_url)
    assert alone.returncode == 1 and "title.ratings is read with the films of title.basics: give both." in alone.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = cli("catalog", "load", str(empty), database_url=empty_database_url)
    assert nothing.returncode == 1 and "no IMDb file in this folder" in nothing.stderr
    bad = tmp_path / "title.crew.tsv"
    bad.write_text("tconst\tdirectors\twriters\ntt0000101\tMann\t\\N\n")
    refused = cli("catalog", "load", str(data / "title.basics.tsv"), str(bad), database_url=empty_database_url)
    assert refused.returncode == 1
    assert refused.stdout.startswith("Loaded title.basics.tsv: 18 lines read"), "the films did load: it says so"
    assert refused.stderr == (
        "flicklist: title.crew.tsv, line 2: nconst must look like nm0000229, not 'Mann'. "
        "The people and alternate titles are unchanged.\n"
    )
    basics, ratings = tmp_path / "films.tsv", tmp_path / "votes.tsv"
    basics.write_text((data / "title.basics.tsv").read_text())
    ratings.write_text((data / "title.ratings.tsv").read_text())
    named_otherwise = cli("catalog", "load", str(basics), "--ratings", str(ratings), database_url=empty_database_url)
    assert named_otherwise.returncode == 0 and "Loaded films.tsv: 36 lines read" in named_otherwise.stdout


async def test_catalog_link_links_what_names_exactly_one_film(user, app, settings):
    for title in ("amelie", "Heat (1986)", "Heat", "Home Video"):
        await user.add(title)
    data = PROJECT_DIR / "tests" / "data"
    cli("catalog", "load", str(data / "title.basics.tsv"), database_url=settings.database_url)
    result = cli("catalog", "link", database_url=settings.database_url)
    assert result.returncode == 0
    assert result.stdout.startswith("Linked 2 entries to catalog films; 2 left as typed")
    page = (await user.get("/")).text
    assert "Amélie" in page and "1986 · 101 min" in page


def test_admins_are_made_promoted_and_demoted_from_the_command_line_and_the_last_one_stays(empty_database_url):
    url = empty_database_url
    cli("db", "upgrade", database_url=url)
    assert "(admin)" in cli("users", "create", "ann@example.com", database_url=url, password=PASSWORD).stdout
    bob = cli("users", "create", "bob@example.com", database_url=url, password=PASSWORD)
    assert bob.returncode == 0 and "(admin)" not in bob.stdout, "only the first account is an admin by itself"
    carl = cli("users", "create", "carl@example.com", "--admin", database_url=url, password=PASSWORD)
    assert "<carl@example.com> (admin)" in carl.stdout

    assert cli("users", "promote", "bob@example.com", database_url=url).returncode == 0
    assert cli("users", "promote", "bob@example.com", database_url=url).returncode == 0, "an admin already"
    for email in ("ann@example.com", "carl@example.com"):
        assert cli("users", "demote", email, database_url=url).returncode == 0
    last = cli("users", "demote", "bob@example.com", database_url=url)
    assert last.returncode == 1
    assert last.stderr == "flicklist: bob@example.com is the only admin left: make another admin first.\n"
    assert cli("users", "list", database_url=url).stdout.splitlines() == [
        "1\tann@example.com",
        "2\tbob@example.com\tadmin",
        "3\tcarl@example.com",
    ]
    missing = cli("users", "promote", "nobody@example.com", database_url=url)
    assert missing.returncode == 1 and missing.stderr == "flicklist: No account for nobody@example.com.\n"


def test_users_create_with_no_password_and_no_terminal_says_so_without_a_traceback(empty_database_url):
    cli("db", "upgrade", database_url=empty_database_url)
    result = cli("users", "create", "ann@example.com", database_url=empty_database_url)  # stdin is not a terminal
    assert result.returncode == 1
    assert result.stderr == "flicklist: No terminal to ask for the password on: set FLICKLIST_PASSWORD.\n"


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_exits_non_zero_when_the_app_cannot_start_however_many_workers(empty_database_url, workers):
    result = run_main(
        "serve",
        "--port",
        str(free_port()),
        "--workers",
        workers,
        environment={"FLICKLIST_DATABASE_URL": empty_database_url, "FLICKLIST_SECRET_KEY": "k" * 40},
    )
    assert result.returncode == 1, "a supervisor must see the failed start"
    assert "flicklist: The database schema is at revision none but this code needs" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.live_server
@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_exits_non_zero_when_its_port_is_taken(tmp_path, workers):
    url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}"
    cli("db", "upgrade", database_url=url)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = subprocess.run(
            [sys.executable, "-m", "flicklist.cli", "serve", "--port", port, "--workers", workers],
            cwd=PROJECT_DIR,
            env={**os.environ, "FLICKLIST_DATABASE_URL": url, "FLICKLIST_SECRET_KEY": "k" * 40},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode != 0 and "address already in use" in result.stderr.lower()


@pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL only")
def test_backup_on_postgresql_points_to_pg_dump(database_url, tmp_path):
    result = cli("backup", str(tmp_path / "copy"), database_url=database_url)
    assert result.returncode == 1 and "pg_dump" in result.stderr and not (tmp_path / "copy").exists()


async def films_in_catalog(app) -> int:
    return (await app.state.db.fetch_all(select(func.count()).select_from(films)))[0][0]


@pytest.mark.live_server
async def test_catalog_status_after_a_load_killed_midway_says_it_did_not_finish_and_what_is_in_use(
    user, app, settings, tmp_path
):
    await user.add("Partly Loaded Film 3")
    basics = tmp_path / "title.basics.tsv"
    lines = [
        f"tt{n:07d}\tmovie\tPartly Loaded Film {n}\tPartly Loaded Film {n}\t0\t2001\t\\N\t95\tDrama"
        for n in range(60_000)
    ]
    basics.write_text("\t".join(BASICS_HEADER) + "\n" + "\n".join(lines) + "\n")
    load = subprocess.Popen(
        [sys.executable, "-m", "flicklist.cli", "catalog", "load", str(basics)],
        cwd=PROJECT_DIR,
        env={**os.environ, **cli_environment(settings.database_url)},
    )
    deadline = time.monotonic() + 120
    while await films_in_catalog(app) == 0:  # until the first batch of the merge is in
        assert load.poll() is None and time.monotonic() < deadline, "the load ended before it could be killed"
        await asyncio.sleep(0.05)
    load.send_signal(signal.SIGKILL)
    load.wait()
    in_use = await films_in_catalog(app)
    assert 0 < in_use < 60_000

    assert cli("catalog", "link", database_url=settings.database_url).stdout.startswith("Linked 1 entries")
    status = cli("catalog", "status", database_url=settings.database_url)
    assert status.returncode == 0
    first_line = status.stdout.splitlines()[0]
    assert first_line.startswith("The last load did not finish (started ")
    assert first_line.endswith(
        f"from title.basics.tsv; it stopped while merging its films in): the catalog in use has {in_use:,} films, "
        "1 of them on people's lists. Run `flicklist catalog load` again."
    )
    assert "No catalog loaded" not in status.stdout

    assert cli("catalog", "load", str(basics), database_url=settings.database_url).returncode == 0
    status = cli("catalog", "status", database_url=settings.database_url)
    assert status.stdout.startswith("60,000 films, last loaded "), "finished: no word of the earlier load"
