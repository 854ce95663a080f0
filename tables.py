"""The tables FlickList keeps. Migrations (`migrations/`) create them; `db.py` runs the queries."""

import time

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def now() -> int:
    """Times are stored as Unix seconds: one integer type compares the same on SQLite and PostgreSQL."""
    return int(time.time())


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("email", name="uq_users_email"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[int] = mapped_column(BigInteger, default=now)


class LoginSession(Base):
    """A logged-in browser. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "login_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[int] = mapped_column(BigInteger)
    last_seen_at: Mapped[int] = mapped_column(BigInteger)


class Movie(Base):
    __tablename__ = "movies"
    __table_args__ = (
        UniqueConstraint("user_id", "title_key", name="uq_movies_user_title"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="ck_movies_rating"),
        Index("ix_movies_user_watched", "user_id", "watched", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    # casefold()ed title: the unique constraint refuses "heat" beside "Heat" on one list.
    title_key: Mapped[str] = mapped_column(String(200))
    watched: Mapped[bool] = mapped_column(Boolean, default=False)
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    added_at: Mapped[int] = mapped_column(BigInteger, default=now)
    watched_at: Mapped[int | None] = mapped_column(BigInteger)


class LoginThrottle(Base):
    """Failed logins counted per key (an account, a client address, or the pair), kept in the
    database so every worker process sees the same count."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[int] = mapped_column(BigInteger)


users = User.__table__
login_sessions = LoginSession.__table__
movies = Movie.__table__
login_throttle = LoginThrottle.__table__
