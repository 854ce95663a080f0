"""Settings read from the environment (FLICKLIST_*), with safe defaults for a laptop."""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from starlette.config import Config

PACKAGE_DIR = Path(__file__).resolve().parent


def default_data_dir() -> Path:
    """`var/` in a source checkout (where `make run` keeps its database); once installed from
    the wheel, the user's data folder (XDG), whatever the working directory."""
    if (PACKAGE_DIR / "pyproject.toml").exists():
        return PACKAGE_DIR / "var"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "flicklist"


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    https_only: bool
    session_idle_seconds: int
    session_absolute_seconds: int
    max_body_bytes: int
    migrate_on_start: bool
    public_origin: str
    trusted_proxies: str
    tune_gc: bool


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    config = Config(environ=os.environ if environ is None else environ, env_prefix="FLICKLIST_")
    data_dir = Path(config("DATA_DIR", default="") or default_data_dir())
    return Settings(
        database_url=config("DATABASE_URL", default=f"sqlite+aiosqlite:///{data_dir / 'flicklist.sqlite3'}"),
        secret_key=config("SECRET_KEY", default="") or read_or_create_secret_key(data_dir / "secret_key"),
        https_only=config("HTTPS", cast=bool, default=False),
        session_idle_seconds=config("SESSION_IDLE_SECONDS", cast=int, default=14 * 24 * 3600),
        session_absolute_seconds=config("SESSION_ABSOLUTE_SECONDS", cast=int, default=30 * 24 * 3600),
        max_body_bytes=config("MAX_BODY_BYTES", cast=int, default=64 * 1024),
        migrate_on_start=config("MIGRATE_ON_START", cast=bool, default=False),
        public_origin=config("PUBLIC_ORIGIN", default="").rstrip("/"),
        trusted_proxies=config("TRUSTED_PROXIES", default=""),
        tune_gc=config("TUNE_GC", cast=bool, default=True),
    )


def read_or_create_secret_key(path: Path) -> str:
    """The signing key kept in a file outside git, made once on first start.

    O_EXCL makes the first of several starting workers write it and the others read it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as file:
        key = secrets.token_urlsafe(48)
        file.write(key)
    return key
