"""Settings read from the environment (FLICKLIST_*), with safe defaults for a laptop."""

import contextlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from starlette.config import Config

PACKAGE_DIR = Path(__file__).resolve().parent


def default_data_dir() -> Path:
    """`var/` in a source checkout (where `make run` keeps its database); once installed from
    the wheel, the user's data folder (XDG), whatever the working directory."""
    if (PACKAGE_DIR / "pyproject.toml").exists():
        return PACKAGE_DIR / "var"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "flicklist"


# FLICKLIST_SMTP_URL: `smtp://[user:password@]host[:port]` (port 25 unless given) or
# `smtps://…` (port 465); the user and password percent-decoded. mail/smtp.py sends through it.
@dataclass(frozen=True)
class MailServer:
    host: str
    port: int
    implicit_tls: bool
    username: str
    # Kept out of repr(): settings may be logged.
    password: str = ""

    def __repr__(self) -> str:
        scheme = "smtps" if self.implicit_tls else "smtp"
        user = f"{self.username}:…@" if self.username else ""
        return f"MailServer({scheme}://{user}{self.host}:{self.port})"


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    https_only: bool
    session_idle_seconds: int
    session_absolute_seconds: int
    max_body_bytes: int
    max_import_bytes: int
    max_import_entries: int
    imports_at_once: int
    max_films_per_user: int
    # Lists of a person's own making (own_lists/): how many one person keeps, and films on each.
    max_lists_per_user: int
    max_films_per_list: int
    migrate_on_start: bool
    public_origin: str
    trusted_proxies: str
    tune_gc: bool
    # `flicklist serve` logs each request (uvicorn's access log, links' secrets hidden).
    access_log: bool
    signups_per_hour: int
    require_mfa: bool
    keep_alive_seconds: int
    max_connections: int
    max_header_bytes: int
    head_timeout_seconds: float
    max_connections_per_client: int
    tmdb_api_key: str
    tmdb_api_url: str
    poster_dir: Path
    # "open", "invite" or "closed"; empty: the mode set on the admin page (open until one is set).
    registration: str
    oidc_issuer: str
    oidc_client_id: str
    oidc_client_secret: str
    oidc_name: str
    oidc_scopes: str
    oidc_admin_group: str
    oidc_only: bool
    # Where mail goes out (None: this instance sends none) and whom it comes from.
    smtp_server: MailServer | None
    mail_from: str
    # New accounts must open a link mailed to them before their first login; those that have
    # not after unverified_days are removed.
    verify_email: bool
    unverified_days: int


class InvalidSetting(ValueError):
    """A setting FlickList refuses to start with; the message says which and why."""


SECRET_KEY_MIN_BYTES = 32


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """The settings from the environment; InvalidSetting, saying which and why, for a wrong one."""
    password_hash_cost(environ)
    try:
        return checked(read_settings(environ))
    except ValueError as error:  # Starlette's Config: "Config 'FLICKLIST_HTTPS' has value 'yes'. Not a valid bool."
        raise InvalidSetting(f"{error} (A yes-or-no setting takes true or false, 1 or 0; a number, digits.)") from None


def read_settings(environ: dict[str, str] | None) -> Settings:
    config = Config(environ=os.environ if environ is None else environ, env_prefix="FLICKLIST_")
    data_dir = Path(config("DATA_DIR", default="") or default_data_dir())
    return Settings(
        database_url=config("DATABASE_URL", default=f"sqlite+aiosqlite:///{data_dir / 'flicklist.sqlite3'}"),
        secret_key=checked_secret_key(config("SECRET_KEY", default=None), data_dir / "secret_key"),
        https_only=config("HTTPS", cast=bool, default=False),
        session_idle_seconds=config("SESSION_IDLE_SECONDS", cast=int, default=14 * 24 * 3600),
        session_absolute_seconds=config("SESSION_ABSOLUTE_SECONDS", cast=int, default=30 * 24 * 3600),
        max_body_bytes=config("MAX_BODY_BYTES", cast=int, default=64 * 1024),
        max_import_bytes=config("MAX_IMPORT_BYTES", cast=int, default=20 * 1024 * 1024),
        max_import_entries=config("MAX_IMPORT_ENTRIES", cast=int, default=100_000),
        imports_at_once=config("IMPORTS_AT_ONCE", cast=int, default=2),
        max_films_per_user=config("MAX_FILMS_PER_USER", cast=int, default=50_000),
        max_lists_per_user=config("MAX_LISTS_PER_USER", cast=int, default=1_000),
        max_films_per_list=config("MAX_FILMS_PER_LIST", cast=int, default=10_000),
        migrate_on_start=config("MIGRATE_ON_START", cast=bool, default=False),
        public_origin=config("PUBLIC_ORIGIN", default="").rstrip("/"),
        trusted_proxies=config("TRUSTED_PROXIES", default=""),
        tune_gc=config("TUNE_GC", cast=bool, default=True),
        access_log=config("ACCESS_LOG", cast=bool, default=True),
        signups_per_hour=config("SIGNUPS_PER_HOUR", cast=int, default=10),
        require_mfa=config("REQUIRE_MFA", cast=bool, default=False),
        keep_alive_seconds=config("KEEP_ALIVE_SECONDS", cast=int, default=5),
        max_connections=config("MAX_CONNECTIONS", cast=int, default=1000),
        max_header_bytes=config("MAX_HEADER_BYTES", cast=int, default=16 * 1024),
        head_timeout_seconds=config("HEAD_TIMEOUT_SECONDS", cast=float, default=10.0),
        max_connections_per_client=config("MAX_CONNECTIONS_PER_CLIENT", cast=int, default=100),
        tmdb_api_key=config("TMDB_API_KEY", default=""),
        tmdb_api_url=config("TMDB_API_URL", default="https://api.themoviedb.org/3").rstrip("/"),
        poster_dir=Path(config("POSTER_DIR", default="") or data_dir / "posters"),
        registration=checked_registration(config("REGISTRATION", default="")),
        oidc_issuer=config("OIDC_ISSUER", default="").rstrip("/"),
        oidc_client_id=config("OIDC_CLIENT_ID", default=""),
        oidc_client_secret=config("OIDC_CLIENT_SECRET", default=""),
        oidc_name=config("OIDC_NAME", default="") or "single sign-on",
        oidc_scopes=config("OIDC_SCOPES", default="openid email profile"),
        oidc_admin_group=config("OIDC_ADMIN_GROUP", default=""),
        oidc_only=config("OIDC_ONLY", cast=bool, default=False),
        smtp_server=checked_smtp_server(config("SMTP_URL", default="")),
        mail_from=config("MAIL_FROM", default="").strip(),
        verify_email=config("VERIFY_EMAIL", cast=bool, default=False),
        unverified_days=config("UNVERIFIED_DAYS", cast=int, default=7),
    )


def checked(settings: Settings) -> Settings:
    """The settings, if they make sense together."""
    if (settings.oidc_only or settings.oidc_client_id) and not settings.oidc_issuer:
        raise InvalidSetting("FLICKLIST_OIDC_ONLY and FLICKLIST_OIDC_CLIENT_ID need FLICKLIST_OIDC_ISSUER too.")
    if settings.oidc_issuer and not settings.oidc_client_id:
        raise InvalidSetting("FLICKLIST_OIDC_ISSUER is set but FLICKLIST_OIDC_CLIENT_ID is not.")
    check_mail(settings)
    return settings


def password_hash_cost(environ: dict[str, str] | None = None) -> str:
    """FLICKLIST_PASSWORD_HASH_COST, for the test suite only (tests/conftest.py sets it): "test"
    makes each password hash nearly free instead of costing 19 MiB and tens of milliseconds, so
    the hundreds of sign-ups and logins the tests make do not dominate their time. Left unset,
    as every real instance must leave it, hashes use OWASP's Argon2id baseline
    (security/passwords.py, which reads it when imported). Checked with the other settings at
    start-up (load_settings): any other value stops it."""
    config = Config(environ=os.environ if environ is None else environ, env_prefix="FLICKLIST_")
    cost = config("PASSWORD_HASH_COST", default="")
    if cost not in ("", "test"):
        raise InvalidSetting(f"FLICKLIST_PASSWORD_HASH_COST is {cost!r}; leave it unset (it is for the test suite).")
    return cost


def checked_smtp_server(url: str) -> MailServer | None:
    return parse_smtp_url(url) if url.strip() else None


DEFAULT_PORTS = {"smtp": 25, "smtps": 465}


def parse_smtp_url(url: str) -> MailServer:
    parts = urlsplit(url.strip())
    if parts.scheme not in DEFAULT_PORTS:
        raise InvalidSetting("FLICKLIST_SMTP_URL must start smtp:// or smtps://.")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError as error:
        raise InvalidSetting("FLICKLIST_SMTP_URL has a port that is not a number from 1 to 65535.") from error
    if not parts.hostname:
        raise InvalidSetting("FLICKLIST_SMTP_URL names no host: smtp://user:password@host:port.")
    return MailServer(
        host=parts.hostname,
        port=port,
        implicit_tls=parts.scheme == "smtps",
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


def check_mail(settings: Settings) -> None:
    if settings.smtp_server and "@" not in settings.mail_from:
        raise InvalidSetting("FLICKLIST_SMTP_URL is set: FLICKLIST_MAIL_FROM must say whom mail comes from.")
    # Mailed links start from it: taken from a request's Host, a forged Host would have a
    # victim mailed a genuine reset link to the forger's site.
    if settings.smtp_server and not settings.public_origin:
        raise InvalidSetting(
            "FLICKLIST_SMTP_URL is set: FLICKLIST_PUBLIC_ORIGIN must say the site's address for mailed links."
        )
    if settings.verify_email and not settings.smtp_server:
        raise InvalidSetting("FLICKLIST_VERIFY_EMAIL needs FLICKLIST_SMTP_URL, to mail the links.")
    if settings.unverified_days < 1:
        raise InvalidSetting("FLICKLIST_UNVERIFIED_DAYS must be 1 or more.")


REGISTRATION_MODES = ("open", "invite", "closed")


def checked_registration(mode: str) -> str:
    mode = mode.strip().lower()
    if mode and mode not in REGISTRATION_MODES:
        raise InvalidSetting(f"FLICKLIST_REGISTRATION is {mode!r}; it must be one of {', '.join(REGISTRATION_MODES)}.")
    return mode


def checked_secret_key(configured: str | None, path: Path) -> str:
    """FLICKLIST_SECRET_KEY when set, else the key file; either way at least 32 bytes, since
    whoever guesses it can forge any session."""
    key = read_or_create_secret_key(path) if configured is None else configured
    if len(key.encode()) < SECRET_KEY_MIN_BYTES:
        source = "FLICKLIST_SECRET_KEY" if configured is not None else f"The key file {path}"
        raise InvalidSetting(
            f"{source} is {len(key.encode())} bytes long; it must be at least {SECRET_KEY_MIN_BYTES}. "
            'Make one with: python3 -c "import secrets; print(secrets.token_urlsafe(48))"'
        )
    return key


def read_or_create_secret_key(path: Path) -> str:
    """The signing key kept in a file outside git, made once on first start.

    Written whole under a temporary name, then linked into place: link() fails if the file
    exists, so of several workers starting at once exactly one key wins, and no worker can
    ever read a file that is there but not yet written."""
    make_private_dir(path.parent)
    if path.exists():
        return path.read_text().strip()
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(48))
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text().strip()


def make_private_dir(path: Path) -> None:
    """A folder only its owner may enter (0700), made if missing; one already there is left as it is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=0o700)
