"""The `flicklist` command: serve the app, migrate the database, manage users."""

import argparse
import asyncio
import gc
import getpass
import os
import sys
import time
from pathlib import Path

import uvicorn
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.exc import DBAPIError
from starlette.applications import Starlette
from uvicorn.main import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

from . import account_changes, auth, backups
from .admin import accounts
from .app import SchemaOutOfDate, create_app, ensure_schema
from .catalog import load_record
from .catalog.imdb_files import BadFile, datasets_in
from .catalog.link import link_all
from .catalog.load import load_catalog
from .catalog.load_record import AnotherLoad
from .catalog.people import people_in_use
from .catalog.people_load import NoFilms, load_people
from .catalog.progress import ProgressBar
from .db import Database, UnsupportedDatabaseURL, supported_url
from .migrations import current_revision, head_revision, upgrade
from .posters import store as poster_store
from .security import account_links, audit
from .security.passwords import check_password
from .settings import InvalidSetting, load_settings
from .tables import catalog_loads, film_posters, passkeys, recovery_codes, totp_secrets, users
from .web.access_log import hide_secrets_in_access_log
from .web.http_protocol import BoundedHeadProtocol, ServeConfig


def tune_garbage_collector() -> None:
    """Once per process, after start-up: what is loaded by then lives as long as the process,
    and frozen, the collector stops scanning it again; a page allocates thousands of
    short-lived objects, so the youngest generation is collected every 20,000 allocations
    rather than every 700. What each bought: bench/results.md, "Where the time went"."""
    gc.freeze()
    gc.set_threshold(20_000, 10, 10)


def served_app() -> Starlette:
    """The app as `flicklist serve` runs it in each worker process, with the process-wide
    tuning that a library user of `create_app()` may not want (FLICKLIST_TUNE_GC=0 turns it off),
    and an access log that shows no link's secret."""
    settings = load_settings()
    app = create_app(settings)
    hide_secrets_in_access_log()
    if settings.tune_gc:
        tune_garbage_collector()
    return app


def serve(args: argparse.Namespace) -> int:
    settings = load_settings()
    # Checked (or migrated) here, before any worker starts: a schema behind the code stops
    # `serve` with a message and exit 1, however many workers were asked for.
    asyncio.run(with_database(lambda db: ensure_schema(db, settings), new_file_allowed=True))
    # X-Forwarded-Proto/-For are believed only from the proxies the configuration names.
    trusted_proxies = settings.trusted_proxies
    config = ServeConfig(
        "flicklist.cli:served_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=bool(trusted_proxies),
        forwarded_allow_ips=trusted_proxies or None,
        # On unless FLICKLIST_ACCESS_LOG=0 or --no-access-log (what it costs a request: issue 31).
        access_log=args.access_log and settings.access_log,
        # Limits against slow or greedy clients: idle keep-alive connections closed after a few
        # seconds, a 503 past max_connections, request heads past max_header_bytes refused, a 408
        # for a head slower than head_timeout_seconds, a 503 past max_connections_per_client.
        http=BoundedHeadProtocol,
        h11_max_incomplete_event_size=settings.max_header_bytes,
        timeout_keep_alive=settings.keep_alive_seconds,
        limit_concurrency=settings.max_connections,
        head_timeout_seconds=settings.head_timeout_seconds,
        connections_per_client=settings.max_connections_per_client,
        trusted_proxies=trusted_proxies,
    )
    if args.workers > 1:
        # uvicorn's own run() ends with exit 0 when a worker fails to start; its supervisor
        # keeps the workers, so their exit codes tell.
        supervisor = Multiprocess(config, sockets=[config.bind_socket()])
        supervisor.run()
        started = all(worker.exitcode != STARTUP_FAILURE for worker in supervisor.processes)
    else:
        server = uvicorn.Server(config)
        server.run()
        started = server.started
    if not started:
        raise CommandError("FlickList could not start; the lines above say why.")
    return 0


def db_upgrade(args: argparse.Namespace) -> int:
    upgrade(load_settings().database_url)
    print(f"Database is at revision {head_revision()} (head).")
    return 0


def db_current(args: argparse.Namespace) -> int:
    current, head = asyncio.run(with_database(lambda db: current_revision(db.engine))), head_revision()
    print(f"current: {current or 'none (empty database)'}\nhead:    {head}")
    return 0 if current == head else 1


def read_password(args: argparse.Namespace) -> str:
    """From FLICKLIST_PASSWORD for scripts, else asked twice at the terminal (never an argument: ps shows those)."""
    if password := os.environ.get("FLICKLIST_PASSWORD"):
        return password
    if not sys.stdin.isatty():
        raise CommandError("No terminal to ask for the password on: set FLICKLIST_PASSWORD.")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != password:
        raise CommandError("Passwords did not match.")
    return password


class CommandError(Exception):
    pass


async def with_database(work, new_file_allowed: bool = False):
    """Run `work(db)` on the configured database, then close it. A SQLite file that is not there
    is not made (SQLite would make an empty one), but by `serve` migrating on start."""
    database_url = load_settings().database_url
    url = supported_url(database_url)
    if url.get_backend_name() == "sqlite" and not new_file_allowed and not Path(url.database).exists():
        raise CommandError(f"No database at {url.database}: has `flicklist db upgrade` been run?")
    db = Database(database_url)
    try:
        return await work(db)
    finally:
        await db.close()


ALL_USERS = select(users.c.id, users.c.email, users.c.is_admin, users.c.disabled_at).order_by(users.c.id)


def users_list(args: argparse.Namespace) -> int:
    for user_id, email, is_admin, disabled_at in asyncio.run(with_database(lambda db: db.fetch_all(ALL_USERS))):
        notes = [note for note, applies in (("admin", is_admin), ("disabled", disabled_at is not None)) if applies]
        print(f"{user_id}\t{email}" + (f"\t{', '.join(notes)}" if notes else ""))
    return 0


def users_create(args: argparse.Namespace) -> int:
    error = auth.check_email(args.email)
    if error:
        raise CommandError(error)
    password = read_password(args)
    if error := check_password(password, args.email):
        raise CommandError(error)
    email = auth.normalise_email(args.email)
    created = asyncio.run(with_database(lambda db: auth.create_user(db, email, password, admin=args.admin)))
    if isinstance(created, str):
        raise CommandError(f"An account for {args.email} already exists.")

    async def note(db: Database) -> bool:
        async with db.transaction() as connection:
            is_admin = (await connection.execute(IS_ADMIN, {"user_id": created})).scalar_one()
            await audit.record(connection, audit.COMMAND_LINE, "made account", email, "admin" if is_admin else "")
        return is_admin

    is_admin = asyncio.run(with_database(note))
    print(f"Created user {created} <{email}>{' (admin)' if is_admin else ''}.")
    return 0


IS_ADMIN = select(users.c.is_admin).where(users.c.id == bindparam("user_id"))
USER_ID = select(users.c.id).where(users.c.email == bindparam("email"))


async def account_id(db: Database, email: str) -> int:
    rows = await db.fetch_all(USER_ID, email=auth.normalise_email(email))
    if not rows:
        raise CommandError(f"No account for {email}.")
    return rows[0][0]


def set_admin(args: argparse.Namespace, is_admin: bool) -> None:
    async def work(db: Database):
        user_id = await account_id(db, args.email)
        async with db.transaction() as connection:
            await accounts.set_admin(connection, audit.COMMAND_LINE, user_id, is_admin)

    asyncio.run(with_database(work))


def users_promote(args: argparse.Namespace) -> int:
    set_admin(args, True)
    print(f"{args.email} is an admin now.")
    return 0


def users_demote(args: argparse.Namespace) -> int:
    set_admin(args, False)
    print(f"{args.email} is no longer an admin.")
    return 0


def users_delete(args: argparse.Namespace) -> int:
    async def work(db: Database):
        user_id = await account_id(db, args.email)
        async with db.transaction() as connection:
            return await account_changes.delete_account(connection, user_id, by=audit.COMMAND_LINE)

    email, films = asyncio.run(with_database(work))
    print(f"Deleted {email} and their {films:,} films.")
    return 0


def users_set_password(args: argparse.Namespace) -> int:
    password = read_password(args)
    if error := check_password(password, args.email):
        raise CommandError(error)

    async def work(db: Database):
        user_id = await account_id(db, args.email)
        return await account_changes.set_password(db, user_id, password, by=audit.COMMAND_LINE)

    email, ended = asyncio.run(with_database(work))
    print(f"Password changed for {email}; their sessions are logged out ({ended:,} ended).")
    return 0


def users_end_sessions(args: argparse.Namespace) -> int:
    async def work(db: Database):
        user_id = await account_id(db, args.email)
        async with db.transaction() as connection:
            return await account_changes.end_sessions(connection, user_id, by=audit.COMMAND_LINE)

    email, ended = asyncio.run(with_database(work))
    print(f"{email} is logged out everywhere ({ended:,} sessions ended).")
    return 0


def users_reset_link(args: argparse.Namespace) -> int:
    """A password reset link to hand to the account's owner, as the admin page makes one."""
    minutes = args.minutes
    shortest, longest = account_links.MIN_RESET_LINK_MINUTES, account_links.MAX_RESET_LINK_MINUTES
    if not shortest <= minutes <= longest:
        raise CommandError(f"--minutes goes from {shortest} to {longest:,} (7 days).")
    settings = load_settings()

    async def work(db: Database):
        user_id = await account_id(db, args.email)
        async with db.transaction() as connection:
            email = (await account_changes.target(connection, user_id)).email
            return email, await account_links.make(
                connection, user_id, email, account_links.RESET, minutes * 60, audit.COMMAND_LINE
            )

    email, token = asyncio.run(with_database(work))
    path = f"/password/reset/{token}"
    print(f"Password reset link for {email}, good once, for {account_links.lifetime(minutes * 60)}:")
    if settings.public_origin:
        print(f"{settings.public_origin}{path}")
    else:
        print(
            f"{path}\n(after this FlickList's address, e.g. https://flicklist.example.org{path}: "
            "set FLICKLIST_PUBLIC_ORIGIN to have it printed whole)"
        )
    return 0


def users_remove_second_factors(args: argparse.Namespace) -> int:
    """For a person who lost every second factor and every recovery code: their password
    alone logs them in again, and they add new factors from the account page."""

    async def work(db: Database):
        user_id = await account_id(db, args.email)
        async with db.transaction() as connection:
            for table in (passkeys, totp_secrets, recovery_codes):
                await connection.execute(delete(table).where(table.c.user_id == user_id))
            email, _ = await account_changes.end_sessions(connection, user_id)
            await audit.record(connection, audit.COMMAND_LINE, "removed second factors", email)

    asyncio.run(with_database(work))
    print(f"Removed every passkey, authenticator app and recovery code of {args.email}; their sessions are logged out.")
    return 0


def catalog_load(args: argparse.Namespace) -> int:
    try:
        files = datasets_in(args.paths)
    except ValueError as error:
        raise CommandError(str(error)) from None
    basics = files.pop("title.basics", None)
    ratings = files.pop("title.ratings", None)
    if args.ratings:
        if ratings:
            raise CommandError(f"two files of title.ratings: {ratings} and {args.ratings}")
        if not args.ratings.is_file():
            raise CommandError(f"{args.ratings}: no such file.")
        ratings = args.ratings
    if ratings and not basics:
        raise CommandError("title.ratings is read with the films of title.basics: give both.")
    bar = ProgressBar(sys.stderr)  # as it is now: a caller of main() may have redirected it since import

    async def load(db: Database) -> None:
        if basics:
            result = await load_catalog(db, basics, ratings, adult=args.adult, progress=bar)
            said.append(
                f"Loaded {basics.name}: {result.lines:,} lines read, {result.added:,} films added, "
                f"{result.updated:,} updated; the catalog holds {result.films:,} films."
            )
        if files:
            people = await load_people(db, files, progress=bar)
            said.append(
                f"Loaded {', '.join(path.name for path in files.values())}: {people.lines:,} lines read; the catalog "
                f"holds {people.credits:,} credits of {people.people:,} people and {people.akas:,} alternate titles."
            )

    said: list[str] = []
    try:
        asyncio.run(with_database(load))
    except (BadFile, AnotherLoad, NoFilms) as error:
        bar.done()
        if said:  # the films loaded before a people file was refused
            print("\n".join(said))
        if isinstance(error, BadFile):
            unchanged = "The people and alternate titles are unchanged" if said else "The catalog is unchanged"
            raise CommandError(f"{error}. {unchanged}.") from None
        raise CommandError(str(error)) from None
    bar.done()
    print("\n".join(said))
    return 0


def catalog_link(args: argparse.Namespace) -> int:
    result = asyncio.run(with_database(link_all))
    print(
        f"Linked {result.linked:,} entries to catalog films; {result.left_as_typed:,} left as typed "
        f"(no film, or more than one, has that title); {result.already_listed:,} left because "
        "that film is on the same list already."
    )
    return 0


POSTER_STATES = select(film_posters.c.state, func.count()).group_by(film_posters.c.state)
LAST_LOAD = select(catalog_loads).order_by(catalog_loads.c.id.desc()).limit(1)


def at_minute(timestamp: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(timestamp))


def unfinished_load(under_way: load_record.LoadUnderWay, in_use: load_record.CatalogInUse) -> str:
    started = f"started {at_minute(under_way.started_at)} from {under_way.source}"
    catalog = f"the catalog in use has {in_use.films:,} films, {in_use.on_lists:,} of them on people's lists"
    running = under_way.running()
    if running is None:
        return f"A load has not finished ({started} on {under_way.host}, which alone can tell if it runs): {catalog}."
    if running:
        return f"A load is under way ({started}, process {under_way.process}): {catalog}."
    stopped = (
        "it stopped while merging its films in"
        if under_way.stage == load_record.MERGING
        else "it stopped while reading its files, before changing the catalog"
    )
    return f"The last load did not finish ({started}; {stopped}): {catalog}. Run `flicklist catalog load` again."


def catalog_status(args: argparse.Namespace) -> int:
    async def look(db: Database):
        found = await db.fetch_all(LAST_LOAD), await load_record.under_way(db), await load_record.in_use(db)
        return *found, await people_in_use(db)

    rows, under_way, in_use, (credits, people, akas) = asyncio.run(with_database(look))
    if not rows and under_way is None:
        print("No catalog loaded: titles are kept as typed. Load one with `flicklist catalog load`.")
        return 0
    if under_way is not None:
        print(unfinished_load(under_way, in_use))
    if rows:
        _, loaded_at, source, added, updated, count = rows[0]
        last = (
            f"{count:,} films, last loaded {at_minute(loaded_at)} from {source} ({added:,} added, {updated:,} updated)."
        )
        print(last if under_way is None else f"The last load that finished: {last}")
    if credits or akas:
        print(f"People: {credits:,} credits of {people:,} people; {akas:,} titles elsewhere.")
    if not load_settings().tmdb_api_key:
        print("Posters: placeholders only (FLICKLIST_TMDB_API_KEY is not set).")
        return 0
    states = dict(asyncio.run(with_database(lambda db: db.fetch_all(POSTER_STATES))))
    waiting = states.get(poster_store.RETRY, 0) + states.get(poster_store.FETCHING, 0)
    stored, missing = states.get(poster_store.STORED, 0), states.get(poster_store.MISSING, 0)
    print(f"Posters: {stored:,} stored, {missing:,} that TMDB has none of, {waiting:,} to be tried again.")
    return 0


def backup(args: argparse.Namespace) -> int:
    copy = backups.backup(load_settings().database_url, args.file)
    print(f"Backed up to {args.file}: {copy.size / 1e6:,.1f} MB, {copy.accounts:,} accounts, schema {copy.revision}.")
    return 0


def restore(args: argparse.Namespace) -> int:
    restored = backups.restore(load_settings().database_url, args.file)
    print(
        f"Restored {args.file}: {restored.accounts:,} accounts, schema {restored.revision}. "
        f"The database it replaced is kept as {restored.replaced}."
    )
    if restored.revision != head_revision():
        print(f"This code needs schema {head_revision()}: run `flicklist db upgrade` before starting FlickList.")
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="flicklist", description="FlickList, a movie watchlist for many users.")
    commands = main.add_subparsers(dest="command", required=True)

    serve_parser = commands.add_parser("serve", help="serve the web app with uvicorn")
    serve_parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve_parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve_parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", "1")))
    serve_parser.add_argument(
        "--no-access-log",
        dest="access_log",
        action="store_false",
        help="do not log each request, whatever FLICKLIST_ACCESS_LOG says",
    )
    serve_parser.set_defaults(run=serve)

    db = commands.add_parser("db", help="database schema").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="apply pending migrations").set_defaults(run=db_upgrade)
    db.add_parser("current", help="show the schema revision; exit 1 if not at head").set_defaults(run=db_current)

    catalog = commands.add_parser("catalog", help="the film catalog (IMDb's datasets)").add_subparsers(
        dest="catalog_command", required=True
    )
    load = catalog.add_parser("load", help="load or update the catalog from IMDb's files")
    load.add_argument(
        "paths",
        type=Path,
        nargs="+",
        metavar="FILE_OR_FOLDER",
        help="IMDb's files by their names (title.basics, title.ratings, title.akas, title.crew, title.principals, "
        "name.basics; .tsv.gz or .tsv), or folders holding them",
    )
    load.add_argument("--ratings", type=Path, help="title.ratings.tsv.gz, for votes and ratings")
    load.add_argument("--adult", action="store_true", help="keep adult titles too")
    load.set_defaults(run=catalog_load)
    catalog.add_parser(
        "status", help="how many films, when they were loaded, and a load that did not finish"
    ).set_defaults(run=catalog_status)
    catalog.add_parser("link", help="link every free-text entry whose title names exactly one film").set_defaults(
        run=catalog_link
    )

    backup_parser = commands.add_parser("backup", help="copy a live SQLite database, consistently, into FILE")
    backup_parser.add_argument("file", type=Path)
    backup_parser.set_defaults(run=backup)
    restore_parser = commands.add_parser("restore", help="put a backup made by `flicklist backup` back (app stopped)")
    restore_parser.add_argument("file", type=Path)
    restore_parser.set_defaults(run=restore)

    user_commands = commands.add_parser("users", help="manage accounts").add_subparsers(
        dest="users_command", required=True
    )
    user_commands.add_parser("list", help="list accounts").set_defaults(run=users_list)
    create = user_commands.add_parser("create", help="create an account (password from FLICKLIST_PASSWORD or asked)")
    create.add_argument("email")
    create.add_argument("--admin", action="store_true", help="make it an admin")
    create.set_defaults(run=users_create)
    reset_link = user_commands.add_parser(
        "reset-link", help="print a one-time link that sets a new password (ends the account's sessions when used)"
    )
    reset_link.add_argument("email")
    reset_link.add_argument(
        "--minutes",
        type=int,
        default=account_links.RESET_LINK_MINUTES,
        help=f"how long it works (default {account_links.RESET_LINK_MINUTES})",
    )
    reset_link.set_defaults(run=users_reset_link)
    for name, run, help_text in (
        ("delete", users_delete, "delete an account and its movies"),
        ("promote", users_promote, "make an account an admin"),
        ("demote", users_demote, "make an admin an ordinary account"),
        ("set-password", users_set_password, "set a password and end that user's sessions"),
        ("end-sessions", users_end_sessions, "log an account out of every browser"),
        (
            "remove-second-factors",
            users_remove_second_factors,
            "remove an account's passkeys, authenticator app and recovery codes (lost them all)",
        ),
    ):
        command = user_commands.add_parser(name, help=help_text)
        command.add_argument("email")
        command.set_defaults(run=run)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (
        CommandError,
        UnsupportedDatabaseURL,
        InvalidSetting,
        SchemaOutOfDate,
        backups.BackupRefused,
        account_changes.Refused,
    ) as error:
        print(f"flicklist: {error}", file=sys.stderr)
    except (EOFError, KeyboardInterrupt):
        print("flicklist: stopped before it was done.", file=sys.stderr)
    except OSError as error:
        if error.filename is None:
            print(f"flicklist: the database cannot be reached: {error}", file=sys.stderr)
        else:
            print(f"flicklist: {error.filename}: {error.strerror}", file=sys.stderr)
    except DBAPIError as error:
        print(
            f"flicklist: the database refused: {error.orig or error}\n"
            "Is it reachable, and has `flicklist db upgrade` been run?",
            file=sys.stderr,
        )
    except Exception as error:  # the last resort: a message, never a traceback
        print(f"flicklist: unexpected {type(error).__name__}: {error}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
