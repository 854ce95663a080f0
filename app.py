"""Builds the FlickList application: joins the features' routes, the middleware and the
start-up, and nothing else."""

import asyncio
from contextlib import AsyncExitStack, asynccontextmanager, suppress

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from . import auth
from .catalog.search import SearchCache
from .db import Database
from .features import (
    account,
    admin,
    bulk,
    diary,
    film_link,
    film_page,
    film_search,
    health,
    history,
    pick,
    posters,
    second_factors,
    shared_lists,
    sharing,
    single_sign_on,
    stats,
    verify_login,
    watchlist,
)
from .features.history import IMPORT_PATH, import_too_large
from .history.jobs import ImportRunner
from .middleware.admin_only import AdminOnly
from .middleware.csrf import CSRFProtection
from .middleware.login_wall import LoginWall
from .middleware.request_limits import RequestLimits
from .middleware.security_headers import SecurityHeaders
from .migrations import current_revision, head_revision, upgrade
from .posters.fetcher import poster_fetcher
from .security import oidc
from .security.housekeeping import keep_tidy
from .security.last_seen import LastSeen
from .settings import PACKAGE_DIR, Settings, load_settings
from .stats.figures import FiguresCache
from .web.errors import exception_handlers
from .web.rendering import error_response


class SchemaOutOfDate(RuntimeError):
    pass


class FlickList(Starlette):
    """Starlette with the security headers outside its ServerErrorMiddleware (which Starlette
    puts outermost), so that an unexpected error's 500 page carries them too."""

    def __init__(self, *args, https: bool, form_targets: str, **kwargs) -> None:
        self.https = https
        self.form_targets = form_targets
        super().__init__(*args, **kwargs)

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack(), https=self.https, form_targets=self.form_targets)


async def ensure_schema(db: Database, settings: Settings) -> None:
    current, head = await current_revision(db.engine), head_revision()
    if current == head:
        return
    if not settings.migrate_on_start:
        raise SchemaOutOfDate(
            f"The database schema is at revision {current or 'none'} but this code needs {head}. "
            "Run `flicklist db upgrade` (or set FLICKLIST_MIGRATE_ON_START=1)."
        )
    await anyio.to_thread.run_sync(upgrade, settings.database_url)


async def cancel(tasks: list[asyncio.Task]) -> None:
    for task in tasks:
        task.cancel()
    for task in tasks:
        with suppress(asyncio.CancelledError):
            await task


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or load_settings()
    db = Database(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        async with AsyncExitStack() as stack:
            stack.push_async_callback(db.close)
            await ensure_schema(db, settings)
            background = [keep_tidy(db, settings)]
            if settings.tmdb_api_key:
                app.state.posters = await stack.enter_async_context(poster_fetcher(db, settings))
                background.append(app.state.posters.run())
            # Plain tasks, not a task group: the lifespan may be entered and left by different tasks.
            tasks = [asyncio.create_task(work) for work in background]
            stack.push_async_callback(cancel, tasks)
            stack.push_async_callback(app.state.imports.stop)
            yield

    routes = [
        *watchlist.routes,
        *bulk.routes,
        *pick.routes,
        *film_search.routes,
        *film_link.routes,
        *film_page.routes,
        *diary.routes,
        *posters.routes,
        *account.routes,
        *history.routes,
        *sharing.routes,
        *shared_lists.routes,
        *stats.routes,
        *second_factors.routes,
        *verify_login.routes,
        *single_sign_on.routes,
        *admin.routes,
        *auth.routes,
        *health.routes,
        Mount("/static", StaticFiles(directory=PACKAGE_DIR / "static"), name="static"),
    ]
    middleware = [
        Middleware(
            SessionMiddleware,
            secret_key=settings.secret_key,
            session_cookie="flicklist_session",
            max_age=settings.session_absolute_seconds,
            same_site="lax",
            https_only=settings.https_only,
        ),
        Middleware(
            RequestLimits,
            max_bytes=settings.max_body_bytes,
            max_header_bytes=settings.max_header_bytes,
            refuse=error_response,
            uploads={IMPORT_PATH: (settings.max_import_bytes, import_too_large(settings.max_import_bytes))},
        ),
        # The wall before the token: a click from a page whose session has ended (logged out
        # in another tab) goes to log in, not to "this form has expired".
        Middleware(
            LoginWall,
            load_user=auth.current_user,
            turn_away=auth.turn_away,
            confine=auth.confine,
            open_paths=auth.OPEN_PATHS,
            open_prefixes=auth.OPEN_PREFIXES,
        ),
        Middleware(AdminOnly, prefix="/admin", refuse=auth.not_found),
        Middleware(CSRFProtection, refuse=error_response, public_origin=settings.public_origin),
    ]
    app = FlickList(
        routes=routes,
        middleware=middleware,
        exception_handlers=exception_handlers,
        lifespan=lifespan,
        https=settings.https_only,
        form_targets=oidc.provider_origin(settings),
    )
    app.state.settings = settings
    app.state.db = db
    app.state.searches = SearchCache()
    app.state.last_seen = LastSeen()
    app.state.stats = FiguresCache()
    app.state.posters = None  # the poster fetcher, when a TMDB key is set (lifespan)
    app.state.imports = ImportRunner(db, settings.max_films_per_user)
    app.state.single_sign_on = oidc.provider(settings)  # None unless FLICKLIST_OIDC_ISSUER is set
    return app
