"""The tables FlickList keeps. Migrations (`migrations/`) create them; `db.py` runs the queries."""

import time

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    literal_column,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def now() -> int:
    """Times are stored as Unix seconds: one integer type compares the same on SQLite and PostgreSQL."""
    return int(time.time())


TITLE_KEY_MAX = 200


def title_key(title: str, film_id: int | None, year: int | None = None) -> str:
    """What makes an entry unique on a list: the film, if linked (two films called "Dune" are
    two entries); else the title, case-blind, with its year when one is known, cut to fit its
    column ("ß" folds to "ss": titles alike in their first 190-odd characters are one entry)."""
    if film_id is not None:
        return f"film:{film_id}"
    year_part = f" ({year})" if year else ""
    return title.casefold()[: TITLE_KEY_MAX - len(year_part)] + year_part


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("email", name="uq_users_email"),
        Index("uq_users_profile_key", "profile_key", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[int] = mapped_column(BigInteger, default=now)
    # Films on each list, kept by triggers on movies (migration 0012) for the navigation and the cap.
    watchlist_films: Mapped[int] = mapped_column(Integer, server_default="0")
    watched_films: Mapped[int] = mapped_column(Integer, server_default="0")
    is_admin: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # A disabled account keeps its data but cannot log in; its sessions ended when it was disabled.
    disabled_at: Mapped[int | None] = mapped_column(BigInteger)
    last_seen_at: Mapped[int | None] = mapped_column(BigInteger)
    # Moved on by triggers at every change to the account's viewings (migration 0014): the
    # stats page keeps its figures until it moves.
    diary_version: Mapped[int] = mapped_column(Integer, server_default="0")
    # When the address was last proved by opening a link mailed to it (recovery/addresses.py).
    email_verified_at: Mapped[int | None] = mapped_column(BigInteger)
    # Signed up under FLICKLIST_VERIFY_EMAIL and not yet verified: no login until it is, and
    # removed after FLICKLIST_UNVERIFIED_DAYS.
    awaiting_verification: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # An IANA name ("Europe/Paris"): the day a viewing a media server reports is dated by; None is UTC.
    time_zone: Mapped[str | None] = mapped_column(String(64))
    # How many lists of their own the person has, kept by triggers (migration 0023).
    own_lists: Mapped[int] = mapped_column(Integer, server_default="0")
    # The name others on the instance know them by (friends/profiles.py), and its folded form,
    # unique; what the people they have accepted as followers see of theirs.
    profile_name: Mapped[str | None] = mapped_column(String(40))
    profile_key: Mapped[str | None] = mapped_column(String(40))
    share_diary: Mapped[bool] = mapped_column(Boolean, server_default=true())
    share_reviews: Mapped[bool] = mapped_column(Boolean, server_default=true())
    share_watchlist: Mapped[bool] = mapped_column(Boolean, server_default=false())


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
        # In half stars: 1 is ½ a star, 10 is five stars (diary/ratings.py).
        CheckConstraint("rating BETWEEN 1 AND 10", name="ck_movies_rating"),
        Index("ix_movies_user_watched", "user_id", "watched", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    # casefold()ed title: the unique constraint refuses "heat" beside "Heat" on one list.
    title_key: Mapped[str] = mapped_column(String(TITLE_KEY_MAX))
    watched: Mapped[bool] = mapped_column(Boolean, default=False)
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    added_at: Mapped[int] = mapped_column(BigInteger, default=now)
    watched_at: Mapped[int | None] = mapped_column(BigInteger)
    # The year as typed or imported, for an entry no catalog film names (the film has its own).
    year: Mapped[int | None] = mapped_column(SmallInteger)
    # The IMDb id an imported film not in the catalog came with (migration 0017); exported.
    imdb_id: Mapped[str | None] = mapped_column(String(16))
    # The catalog film this is, if known (then title_key is "film:<id>": see migration 0005).
    film_id: Mapped[int | None] = mapped_column(
        ForeignKey("films.id", ondelete="SET NULL", name="fk_movies_film_id"), index=True
    )
    # What the list pages sort and filter by: the title folded (catalog/text.search_key), and,
    # kept by triggers (migration 0012), the film's year (else the typed one), runtime and genres.
    sort_title: Mapped[str] = mapped_column(String(500), server_default="")
    list_year: Mapped[int | None] = mapped_column(SmallInteger)
    runtime: Mapped[int | None] = mapped_column(Integer)
    genres: Mapped[str] = mapped_column(String(200), server_default="")
    # When the person gave the film their heart (a like, as on Letterboxd); None: not liked.
    liked_at: Mapped[int | None] = mapped_column(BigInteger)


class Viewing(Base):
    """One time a person watched a film on their list: the diary's entry. `watched_on` is the
    date as ISO text ("2026-11-25"), which sorts and compares the same on both databases."""

    __tablename__ = "viewings"
    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 10", name="ck_viewings_rating"),
        Index("ix_viewings_user_diary", "user_id", "watched_on", "id"),
        Index("ix_viewings_movie", "movie_id", "watched_on"),
        # Friends' activity, newest first (friends/activity.py).
        Index("ix_viewings_user_created", "user_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id", ondelete="CASCADE"))
    watched_on: Mapped[str] = mapped_column(String(10))
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    rewatch: Mapped[bool] = mapped_column(Boolean, default=False)
    review: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[int] = mapped_column(BigInteger, default=now)


class FilmList(Base):
    """A list of the person's own making (own_lists/): named, described, ranked or not. `source`
    is where an import found it ("letterboxd:<slug>"), so that importing the file again finds it."""

    __tablename__ = "film_lists"
    __table_args__ = (Index("ix_film_lists_user", "user_id", "updated_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, server_default="")
    ranked: Mapped[bool] = mapped_column(Boolean, server_default=false())
    source: Mapped[str] = mapped_column(String(300), server_default="")
    created_at: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[int] = mapped_column(BigInteger)


class FilmListEntry(Base):
    """A film on a list, at `position`: positions are gapped (own_lists/positions.py), so that a
    move writes one row. The person's own row of the film (rating, watched) is the movies row
    with the same `title_key`."""

    __tablename__ = "film_list_entries"
    __table_args__ = (
        UniqueConstraint("list_id", "title_key", name="uq_film_list_entries_film"),
        Index("ix_film_list_entries_order", "list_id", "position", "id"),
        # Which of a person's lists hold a film: what a row of their watchlist says.
        Index("ix_film_list_entries_user_film", "user_id", "title_key"),
        # Friends' activity, newest first (friends/activity.py).
        Index("ix_film_list_entries_user_added", "user_id", "added_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("film_lists.id", ondelete="CASCADE"))
    # The list's owner, kept on each entry for that index.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    title_key: Mapped[str] = mapped_column(String(TITLE_KEY_MAX))
    # The title folded as the catalog folds it (catalog/text.search_key): what sorting by title
    # and the list's search read.
    sort_title: Mapped[str] = mapped_column(String(500))
    year: Mapped[int | None] = mapped_column(SmallInteger)
    film_id: Mapped[int | None] = mapped_column(
        ForeignKey("films.id", ondelete="SET NULL", name="fk_film_list_entries_film_id"), index=True
    )
    position: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, server_default="")
    added_at: Mapped[int] = mapped_column(BigInteger)


class Trash(Base):
    """What a person deleted, as JSON, kept for the Undo in the banner (diary/trash.py): a
    movie with its viewings and reviews is more than a signed token in a cookie can carry."""

    __tablename__ = "trash"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    deleted_at: Mapped[int] = mapped_column(BigInteger, index=True)
    contents: Mapped[str] = mapped_column(Text)


class HistoryImport(Base):
    """An import of a film history (history/jobs.py): its entries as read from the file (JSON),
    where it stands (`reading`, `matching`, `ready`, `applying`, `done`, `failed`,
    `interrupted`), how far along, and the preview's or the result's counts (JSON). A running
    one's `updated_at` is its heartbeat: one that stops moving lost its worker."""

    __tablename__ = "history_imports"
    __table_args__ = (
        Index("ix_history_imports_user", "user_id", "id"),
        # An account's import slot: one job at a time reading, matching or applying (migration 0017).
        Index(
            "ux_history_imports_running",
            "user_id",
            unique=True,
            sqlite_where=text("state IN ('reading', 'matching', 'applying')"),
            postgresql_where=text("state IN ('reading', 'matching', 'applying')"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[int] = mapped_column(BigInteger)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    entries: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    message: Mapped[str] = mapped_column(String(1000), default="")


class LoginThrottle(Base):
    """Attempts counted per key (security/throttle.py: password and second-factor attempts
    per account, address, pair or known browser; security/address_limits.py: sign-ups and
    share views per address), kept in the database so every worker process sees the same count."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[int] = mapped_column(BigInteger)


class Passkey(Base):
    """A WebAuthn credential: a second factor after the password, or a sign-in on its own."""

    __tablename__ = "passkeys"
    __table_args__ = (UniqueConstraint("credential_id", name="uq_passkeys_credential"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[str] = mapped_column(String(1400))  # base64url of up to 1,023 bytes
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[int] = mapped_column(BigInteger)
    last_used_at: Mapped[int | None] = mapped_column(BigInteger)


class TotpSecret(Base):
    """An authenticator app's shared secret (RFC 6238); `last_step` is the time step of the
    last code accepted, so no code is accepted twice."""

    __tablename__ = "totp_secrets"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    last_step: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[int] = mapped_column(BigInteger)


class RecoveryCode(Base):
    """Single-use codes for when the second factor is lost; only a salted SHA-256 of each is kept."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash", name="uq_recovery_codes_user_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(100))
    used_at: Mapped[int | None] = mapped_column(BigInteger)


class WebauthnChallenge(Base):
    """A WebAuthn challenge handed to one browser (security/passkeys.py), spent by the statement
    that accepts its answer; the session holds a random reference, only its SHA-256 is kept."""

    __tablename__ = "webauthn_challenges"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(12))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    challenge: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[int] = mapped_column(BigInteger, index=True)


class SecurityEvent(Base):
    """What happened to an account's sign-in security, shown to its owner; kept 90 days."""

    __tablename__ = "security_events"
    __table_args__ = (Index("ix_security_events_user_at", "user_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    at: Mapped[int] = mapped_column(BigInteger, index=True)
    address: Mapped[str] = mapped_column(String(64))
    browser: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(String(200))


# The ranges of film ids PostgreSQL's search looks through in turn (catalog/search.py): the
# most voted films have the lowest ids, and most searches find their 30 in the first ranges.
FILM_SEARCH_TIERS = ((0, 1024), (1024, 4096), (4096, 16384), (16384, 65536), (65536, 262144), (262144, 2147483647))


class Film(Base):
    """A film from the catalog (IMDb's datasets, `flicklist catalog load`). `search_key` is the
    title folded for matching (catalog/text.py): the searches on both databases use it."""

    __tablename__ = "films"
    __table_args__ = (
        UniqueConstraint("imdb_id", name="uq_films_imdb_id"),
        Index("ix_films_search_key", "search_key", "votes"),
        Index("ix_films_search_key_year", "search_key", "year", "votes"),
        # PostgreSQL's word search, a trigram index per range of ids (migration 0020,
        # catalog/search.py); SQLite's is the FTS5 tables `films_fts` and `films_pairs`.
        *(
            Index(
                f"ix_films_search_trigrams_{tier}",
                text("(' ' || search_key || ' ') gin_trgm_ops"),
                postgresql_using="gin",
                postgresql_where=text(f"id > {lo} AND id <= {hi}"),
            ).ddl_if(dialect="postgresql")
            for tier, (lo, hi) in enumerate(FILM_SEARCH_TIERS, 1)
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    imdb_id: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(500))
    original_title: Mapped[str] = mapped_column(String(500))
    search_key: Mapped[str] = mapped_column(String(500))
    # The key's words in pairs (catalog/text.search_pairs), for SQLite's FTS5 table `films_pairs` (migration 0015).
    search_pairs: Mapped[str] = mapped_column(Text, server_default="")
    year: Mapped[int | None] = mapped_column(SmallInteger)
    runtime: Mapped[int | None] = mapped_column(Integer)
    genres: Mapped[str] = mapped_column(String(200))
    # What a row shows under the title, made once at load: "1995 · 170 min · Action, Crime".
    details: Mapped[str] = mapped_column(String(300))
    votes: Mapped[int] = mapped_column(Integer)
    rating: Mapped[int | None] = mapped_column(SmallInteger)  # IMDb's average, in tenths
    kind: Mapped[str] = mapped_column(String(16))


class Person(Base):
    """Someone the catalog's films credit (IMDb's name.basics): `id` is the number of their
    IMDb id (nm0000229 is 229), so a reload keeps each person's page where it was."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(300))
    birth_year: Mapped[int | None] = mapped_column(SmallInteger)
    death_year: Mapped[int | None] = mapped_column(SmallInteger)
    professions: Mapped[str] = mapped_column(String(200))  # IMDb's: "actor,producer,director"


class FilmCredit(Base):
    """A person's part in a film (title.principals and title.crew). A load writes the next
    `generation` beside the one in use and then switches to it (catalog/people_load.py), so a
    page never shows half of one load and half of another."""

    __tablename__ = "film_credits"
    __table_args__ = (Index("ix_film_credits_person", "generation", "person_id", "film_id"),)

    generation: Mapped[int] = mapped_column(Integer, primary_key=True)
    film_id: Mapped[int] = mapped_column(ForeignKey("films.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)  # director, writer, actor, actress, self, …
    person_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)  # IMDb's billing order
    job: Mapped[str] = mapped_column(String(300))
    characters: Mapped[str] = mapped_column(String(500))  # "Rick Blaine / Narrator"


class FilmAka(Base):
    """A film's title in a region or language (title.akas), in generations as film_credits."""

    __tablename__ = "film_akas"
    __table_args__ = (
        Index("ix_film_akas_search_key", "generation", "search_key"),
        # The add field's search by a title's beginning on PostgreSQL, whatever the database's
        # collation (catalog/search.py, migration 0025); SQLite's reads the index above.
        Index("ix_film_akas_search_prefix", "generation", text("search_key text_pattern_ops")).ddl_if(
            dialect="postgresql"
        ),
    )

    generation: Mapped[int] = mapped_column(Integer, primary_key=True)
    film_id: Mapped[int] = mapped_column(ForeignKey("films.id", ondelete="CASCADE"), primary_key=True)
    ordering: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    region: Mapped[str] = mapped_column(String(8))
    language: Mapped[str] = mapped_column(String(8))
    search_key: Mapped[str] = mapped_column(String(500))


class CatalogLoad(Base):
    """Each completed `flicklist catalog load`: when, from what, and what it did."""

    __tablename__ = "catalog_loads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loaded_at: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(500))
    added: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    films: Mapped[int] = mapped_column(Integer)


class FilmPoster(Base):
    """Where fetching a film's poster from TMDB stands (posters/fetcher.py): `fetching` (a
    worker holds it until `next_try_at`), `stored` (in the poster folder as `file`),
    `missing` (TMDB has none; asked again after `next_try_at`) or `retry` (failed `tries`
    times; tried again after `next_try_at`)."""

    __tablename__ = "film_posters"
    __table_args__ = (Index("ix_film_posters_due", "state", "next_try_at"),)

    film_id: Mapped[int] = mapped_column(ForeignKey("films.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(8))
    file: Mapped[str | None] = mapped_column(String(64))
    tries: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[int] = mapped_column(BigInteger)


class InstanceSetting(Base):
    """What an admin set on the admin page (the sign-up mode); the environment overrides it."""

    __tablename__ = "instance_settings"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class Invitation(Base):
    """A sign-up link an admin made (admin/invitations.py). The link carries `id` and a random
    secret; only the secret's SHA-256 is kept."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[int] = mapped_column(BigInteger)
    max_uses: Mapped[int] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer)
    revoked_at: Mapped[int | None] = mapped_column(BigInteger)


class InvitationUse(Base):
    """Who signed up with an invitation, and when (the email as it was, should the account go)."""

    __tablename__ = "invitation_uses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    used_at: Mapped[int] = mapped_column(BigInteger)


class AdminAction(Base):
    """The audit trail: every admin action, by whom (an email, or "command line"), to whom, when.
    Emails as text, so the trail outlives a deleted account."""

    __tablename__ = "admin_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[int] = mapped_column(BigInteger, index=True)
    admin: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(320))
    detail: Mapped[str] = mapped_column(String(200))


class OidcIdentity(Base):
    """An account at an OpenID Connect provider that signs in to a FlickList account: keyed by
    issuer and subject, never by email (features/single_sign_on.py)."""

    __tablename__ = "oidc_identities"

    issuer: Mapped[str] = mapped_column(String(300), primary_key=True)
    subject: Mapped[str] = mapped_column(String(255), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[int] = mapped_column(BigInteger)


class ShareLink(Base):
    """A read-only link to one of a person's lists (`watchlist`, `watched` or `diary`, or `own`:
    the list of their own `film_list_id`, whose delete takes its links with it) for whoever
    holds it (sharing/links.py): its token is security/link_tokens.py's."""

    __tablename__ = "share_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    list: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(100))
    include_reviews: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[int | None] = mapped_column(BigInteger)
    revoked_at: Mapped[int | None] = mapped_column(BigInteger)
    last_opened_at: Mapped[int | None] = mapped_column(BigInteger)
    times_opened: Mapped[int] = mapped_column(Integer)
    film_list_id: Mapped[int | None] = mapped_column(
        ForeignKey("film_lists.id", ondelete="CASCADE", name="fk_share_links_film_list_id")
    )


class AccountLink(Base):
    """A one-time link to act on an account (security/account_links.py): set a new password, prove the
    address, or move to a new address (`email`, where it was mailed). Only pending links are
    kept: one used, revoked or expired is deleted, with its line in the audit trail. The token
    is security/link_tokens.py's."""

    __tablename__ = "account_links"
    # Ids never used twice (SQLite would reuse a deleted row's): the audit trail names links by id.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    secret_hash: Mapped[str] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(320))
    made_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[int] = mapped_column(BigInteger, index=True)


class AccountToken(Base):
    """A secret another program holds to act for an account (security/account_tokens.py): a
    media server's webhook, the Radarr list, the diary's RSS feed (one each per account), or
    an API token (as many as the person names). Only its SHA-256 is stored."""

    __tablename__ = "account_tokens"
    # Ids never used twice (SQLite would reuse a deleted row's): the audit trail names tokens by id.
    __table_args__ = (
        UniqueConstraint("token_hash", name="uq_account_tokens_token_hash"),
        Index("ix_account_tokens_user_id_kind", "user_id", "kind"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[int] = mapped_column(BigInteger)
    last_used_at: Mapped[int | None] = mapped_column(BigInteger)


class WebhookEvent(Base):
    """One call a media server made to a webhook (media_servers/): when, which event, which
    film, and what was done or why nothing was. Only the last few per token are kept.
    `film_key` is the film's entry key (tables.title_key) when a watch was logged, so the same
    watch delivered again is known."""

    __tablename__ = "webhook_events"
    __table_args__ = (Index("ix_webhook_events_token_id_id", "token_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("account_tokens.id", ondelete="CASCADE"))
    received_at: Mapped[int] = mapped_column(BigInteger)
    event: Mapped[str] = mapped_column(String(40))
    film: Mapped[str | None] = mapped_column(String(300))
    film_key: Mapped[str | None] = mapped_column(String(320))
    outcome: Mapped[str] = mapped_column(String(200))


class Follow(Base):
    """`follower_id` asked to follow `followed_id` (friends/): pending until the followed one
    accepts it (`accepted_at`) or declines it (`declined_at`: kept, so that the same request
    does not come again); either of them ends it by removing the row."""

    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("follower_id", "followed_id", name="uq_follows_pair"),
        Index("ix_follows_followed", "followed_id", "follower_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    follower_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    followed_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    requested_at: Mapped[int] = mapped_column(BigInteger)
    accepted_at: Mapped[int | None] = mapped_column(BigInteger)
    declined_at: Mapped[int | None] = mapped_column(BigInteger)
    # What the follower typed to find them (an address or a profile name): what their own page
    # calls a request not yet accepted, which must not tell them more than they knew.
    asked_as: Mapped[str] = mapped_column(String(320), server_default="")


class Block(Base):
    """`blocker_id` blocked `blocked_id`: no request from them reaches the blocker, and neither
    follows the other."""

    __tablename__ = "blocks"

    blocker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    blocked_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[int] = mapped_column(BigInteger)


class ListEditor(Base):
    """A friend the owner of a list of their own shares it with as an editor (own_lists/editors.py)."""

    __tablename__ = "list_editors"
    __table_args__ = (Index("ix_list_editors_user", "user_id", "list_id"),)

    list_id: Mapped[int] = mapped_column(ForeignKey("film_lists.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    added_at: Mapped[int] = mapped_column(BigInteger)


class ListChange(Base):
    """Who changed a shared list, and how ("added", "removed", "moved", "noted"), newest last."""

    __tablename__ = "list_changes"
    __table_args__ = (Index("ix_list_changes_list", "list_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("film_lists.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    at: Mapped[int] = mapped_column(BigInteger)


class FilmNight(Base):
    """A film of a list planned for a day (own_lists/nights.py): on the list's page, and in the
    calendar feed of its owner and editors."""

    __tablename__ = "film_nights"
    __table_args__ = (Index("ix_film_nights_list", "list_id", "on_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("film_lists.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    year: Mapped[int | None] = mapped_column(SmallInteger)
    film_id: Mapped[int | None] = mapped_column(
        ForeignKey("films.id", ondelete="SET NULL", name="fk_film_nights_film_id")
    )
    on_date: Mapped[str] = mapped_column(String(10))  # ISO, as viewings.watched_on
    planned_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[int] = mapped_column(BigInteger)


class WatchedTogether(Base):
    """A viewing its diarist watched with `friend_id` (friends/together.py): shown to the friend
    until they add it to their own diary or dismiss it (`answered_at`)."""

    __tablename__ = "watched_together"
    __table_args__ = (
        UniqueConstraint("viewing_id", "friend_id", name="uq_watched_together"),
        Index("ix_watched_together_friend", "friend_id", "answered_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    viewing_id: Mapped[int] = mapped_column(ForeignKey("viewings.id", ondelete="CASCADE"))
    friend_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[int] = mapped_column(BigInteger)
    answered_at: Mapped[int | None] = mapped_column(BigInteger)


users = User.__table__
login_sessions = LoginSession.__table__
movies = Movie.__table__
viewings = Viewing.__table__

# What each sort of the list pages orders by (`SORTS` in lists/view.py), each with its index (migration
# 0012). Unknowns are a number at the far end, so a key is never NULL and pages by one comparison.
LIST_SORT_KEYS = {
    "added": movies.c.added_at,
    "title": movies.c.sort_title,
    "year": func.coalesce(movies.c.list_year, literal_column("0")),
    "runtime": func.coalesce(movies.c.runtime, literal_column("100000")),
    "rating": func.coalesce(movies.c.rating, literal_column("0")),
    "watched": func.coalesce(movies.c.watched_at, literal_column("0")),
}
for sort, key in LIST_SORT_KEYS.items():
    Index(f"ix_movies_list_{sort}", movies.c.user_id, movies.c.watched, key, movies.c.id)
trash = Trash.__table__
film_lists = FilmList.__table__
film_list_entries = FilmListEntry.__table__
history_imports = HistoryImport.__table__
login_throttle = LoginThrottle.__table__
passkeys = Passkey.__table__
totp_secrets = TotpSecret.__table__
webauthn_challenges = WebauthnChallenge.__table__
recovery_codes = RecoveryCode.__table__
security_events = SecurityEvent.__table__
films = Film.__table__
catalog_loads = CatalogLoad.__table__
people = Person.__table__
film_credits = FilmCredit.__table__
film_akas = FilmAka.__table__
film_posters = FilmPoster.__table__
instance_settings = InstanceSetting.__table__
invitations = Invitation.__table__
invitation_uses = InvitationUse.__table__
admin_actions = AdminAction.__table__
oidc_identities = OidcIdentity.__table__
share_links = ShareLink.__table__
account_links = AccountLink.__table__
account_tokens = AccountToken.__table__
webhook_events = WebhookEvent.__table__
follows = Follow.__table__
blocks = Block.__table__
watched_together = WatchedTogether.__table__
list_editors = ListEditor.__table__
list_changes = ListChange.__table__
film_nights = FilmNight.__table__
