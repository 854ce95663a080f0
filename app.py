"""Builds the FlickList application: joins the features' routes, the middleware and the
start-up, and nothing else."""

import asyncio
from contextlib import AsyncExitStack, asynccontextmanager, suppress

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from . import auth
from .catalog.search import SearchCache
from .db import Database
from .diary.days import written_day, written_month
from .diary.ratings import spoken, written
from .features import (
    account,
    admin,
    api,
    api_tokens,
    bulk,
    diary,
    email_address,
    feeds,
    film_link,
    film_page,
    film_search,
    friends,
    health,
    history,
    media_servers,
    own_lists,
    password_reset,
    person_page,
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
from .housekeeping import keep_tidy
from .lists.titles import TITLE_MAX
from .lists.view import default_sort
from .mail.outbox import Outbox
from .middleware.admin_only import AdminOnly
from .middleware.csrf import CSRFProtection
from .middleware.database_faults import DatabaseFaults
from .middleware.encrypted_session import EncryptedSessionMiddleware
from .middleware.login_wall import LoginWall
from .middleware.request_limits import RequestLimits
from .middleware.security_headers import SecurityHeaders
from .migrations import current_revision, head_revision, upgrade
from .posters.fetcher import poster_fetcher
from .security import oidc
from .security.last_seen import LastSeen
from .settings import PACKAGE_DIR, Settings, load_settings
from .stats.figures import FiguresCache
from .web.errors import exception_handlers, not_found
from .web.filmographies import Filmographies
from .web.rendering import error_response, register_template_helpers

# Paths whose requests carry their own credential (an API bearer token, a webhook's or a feed's
# token in the path) and never act on the session cookie: outside the login wall's redirect
# and CSRF; their routes authenticate them.
TOKEN_PREFIXES = ("/api/", "/webhooks/", "/feeds/")
# Plex sends a poster thumbnail (a JPEG) along with some events, a rating among them.
PLEX_WEBHOOKS, PLEX_WEBHOOK_BYTES = "/webhooks/plex/", 1024 * 1024


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


def register_templates() -> None:
    """The templates' filters and globals: a diary's ISO day as "25 Nov 2026", its month as
    "November 2026", half stars as a form writes them ("3.5") and as a sentence says them
    ("3.5 stars"); the add form's limit (counted down near its end) and the list pages' default order."""
    filters = {"day": written_day, "month": written_month, "rating": written, "spoken_rating": spoken}
    register_template_helpers(filters, title_max=TITLE_MAX, default_sort=default_sort)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or load_settings()
    db = Database(settings.database_url)
    register_templates()

    @asynccontextmanager
    async def lifespan(app: Starlette):
        async with AsyncExitStack() as stack:
            stack.push_async_callback(db.close)
            await ensure_schema(db, settings)
            await app.state.imports.mark_interrupted()  # those whose worker died
            background = [keep_tidy(db, settings)]
            if app.state.outbox is not None:
                background.append(app.state.outbox.run())
            if settings.tmdb_api_key:
                app.state.posters = await stack.enter_async_context(poster_fetcher(db, settings))
                background.append(app.state.posters.run())
            # Plain tasks, not a task group: the lifespan may be entered and left by different tasks.
            tasks = [asyncio.create_task(work) for work in background]
            stack.push_async_callback(cancel, tasks)
            stack.push_async_callback(app.state.imports.stop)
            yield

    # Starlette tries routes in turn: the lists first, then what programs call many times a minute.
    routes = [
        *watchlist.routes,
        *own_lists.routes,
        *api.routes,
        *media_servers.routes,
        *feeds.routes,
        *bulk.routes,
        *pick.routes,
        *film_search.routes,
        *film_link.routes,
        *film_page.routes,
        *person_page.routes,
        *diary.routes,
        *posters.routes,
        *account.routes,
        *api_tokens.routes,
        *history.routes,
        *sharing.routes,
        *shared_lists.routes,
        *stats.routes,
        *friends.routes,
        *second_factors.routes,
        *verify_login.routes,
        *single_sign_on.routes,
        *admin.routes,
        *password_reset.routes,
        *email_address.routes,
        *auth.routes,
        *health.routes,
        Mount("/static", StaticFiles(directory=PACKAGE_DIR / "static"), name="static"),
    ]
    middleware = [
        Middleware(DatabaseFaults),
        Middleware(
            EncryptedSessionMiddleware,
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
            uploads={
                IMPORT_PATH: (settings.max_import_bytes, import_too_large(settings.max_import_bytes)),
                PLEX_WEBHOOKS: (PLEX_WEBHOOK_BYTES, "A Plex webhook call can be at most 1 MB, its thumbnail included."),
            },
        ),
        # The wall before the token: a click from a page whose session has ended (logged out
        # in another tab) goes to log in, not to "this form has expired".
        Middleware(
            LoginWall,
            load_user=auth.current_user,
            turn_away=auth.turn_away,
            confine=auth.confine,
            open_paths=auth.OPEN_PATHS,
            open_prefixes=(*auth.OPEN_PREFIXES, *TOKEN_PREFIXES),
        ),
        Middleware(AdminOnly, prefix="/admin", refuse=not_found),
        Middleware(
            CSRFProtection, refuse=error_response, public_origin=settings.public_origin, open_prefixes=TOKEN_PREFIXES
        ),
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
    app.state.filmographies = Filmographies()
    app.state.last_seen = LastSeen()
    app.state.stats = FiguresCache()
    app.state.posters = None  # the poster fetcher, when a TMDB key is set (lifespan)
    app.state.imports = ImportRunner(db, settings)
    # Mail goes out in the background (lifespan), when FLICKLIST_SMTP_URL is set.
    app.state.outbox = Outbox(settings.smtp_server) if settings.smtp_server else None
    app.state.single_sign_on = oidc.provider(settings)  # None unless FLICKLIST_OIDC_ISSUER is set
    return app
