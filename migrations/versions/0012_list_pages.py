"""Lists of thousands: what each sort and filter reads, kept on the movie row, an index per
sort, and each user's count of films per list, so that a page of 50 and the navigation's
counts cost the same at 50 films or 50,000.

`sort_title` is the title folded as the catalog folds it (the app writes it). The film's year,
runtime and genres, and the counts, are kept by triggers, so every way a row is written
(adding, linking, importing, undoing, a catalog reload changing a film) keeps them true.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

from flicklist.catalog.text import search_key

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# Each sort's key as the list pages write it (lists/view.py), so the index serves the query.
SORT_KEYS = {
    "added": "added_at",
    "title": "sort_title",
    "year": "coalesce(list_year, 0)",
    "runtime": "coalesce(runtime, 100000)",
    "rating": "coalesce(rating, 0)",
    "watched": "coalesce(watched_at, 0)",
}

FILM_COLUMNS_SQLITE = """
    UPDATE movies SET
        list_year = coalesce((SELECT year FROM films WHERE id = NEW.film_id), NEW.year),
        runtime = (SELECT runtime FROM films WHERE id = NEW.film_id),
        genres = coalesce((SELECT genres FROM films WHERE id = NEW.film_id), '')
    WHERE id = NEW.id;
"""
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER movies_film_columns_insert AFTER INSERT ON movies BEGIN {FILM_COLUMNS_SQLITE} END",
    f"""CREATE TRIGGER movies_film_columns_update AFTER UPDATE OF film_id, year ON movies
    BEGIN {FILM_COLUMNS_SQLITE} END""",
    """CREATE TRIGGER films_to_movies AFTER UPDATE OF year, runtime, genres ON films
    WHEN OLD.year IS NOT NEW.year OR OLD.runtime IS NOT NEW.runtime OR OLD.genres IS NOT NEW.genres
    BEGIN
        UPDATE movies SET list_year = coalesce(NEW.year, movies.year), runtime = NEW.runtime, genres = NEW.genres
        WHERE film_id = NEW.id;
    END""",
    """CREATE TRIGGER movies_count_insert AFTER INSERT ON movies BEGIN
        UPDATE users SET watchlist_films = watchlist_films + 1 - NEW.watched,
            watched_films = watched_films + NEW.watched
        WHERE id = NEW.user_id;
    END""",
    """CREATE TRIGGER movies_count_delete AFTER DELETE ON movies BEGIN
        UPDATE users SET watchlist_films = watchlist_films - 1 + OLD.watched,
            watched_films = watched_films - OLD.watched
        WHERE id = OLD.user_id;
    END""",
    """CREATE TRIGGER movies_count_move AFTER UPDATE OF watched ON movies WHEN OLD.watched IS NOT NEW.watched BEGIN
        UPDATE users SET watchlist_films = watchlist_films + OLD.watched - NEW.watched,
            watched_films = watched_films - OLD.watched + NEW.watched
        WHERE id = NEW.user_id;
    END""",
)
POSTGRESQL_TRIGGERS = (
    """CREATE FUNCTION movies_film_columns() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        SELECT coalesce(films.year, NEW.year), films.runtime, coalesce(films.genres, '')
        INTO NEW.list_year, NEW.runtime, NEW.genres
        FROM (SELECT 1) AS one LEFT JOIN films ON films.id = NEW.film_id;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER movies_film_columns BEFORE INSERT OR UPDATE OF film_id, year ON movies
    FOR EACH ROW EXECUTE FUNCTION movies_film_columns()""",
    """CREATE FUNCTION films_to_movies() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE movies SET list_year = coalesce(NEW.year, movies.year), runtime = NEW.runtime, genres = NEW.genres
        WHERE film_id = NEW.id;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER films_to_movies AFTER UPDATE OF year, runtime, genres ON films FOR EACH ROW
    WHEN (OLD.year IS DISTINCT FROM NEW.year OR OLD.runtime IS DISTINCT FROM NEW.runtime
          OR OLD.genres IS DISTINCT FROM NEW.genres)
    EXECUTE FUNCTION films_to_movies()""",
    """CREATE FUNCTION movies_count() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'DELETE' THEN
            UPDATE users SET watchlist_films = watchlist_films + (NOT NEW.watched)::int,
                watched_films = watched_films + NEW.watched::int
            WHERE id = NEW.user_id;
        END IF;
        IF TG_OP <> 'INSERT' THEN
            UPDATE users SET watchlist_films = watchlist_films - (NOT OLD.watched)::int,
                watched_films = watched_films - OLD.watched::int
            WHERE id = OLD.user_id;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER movies_count AFTER INSERT OR DELETE OR UPDATE OF watched ON movies
    FOR EACH ROW EXECUTE FUNCTION movies_count()""",
)


def upgrade() -> None:
    with op.batch_alter_table("movies") as batch:
        batch.add_column(sa.Column("sort_title", sa.String(500), nullable=False, server_default=""))
        batch.add_column(sa.Column("list_year", sa.SmallInteger(), nullable=True))
        batch.add_column(sa.Column("runtime", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("genres", sa.String(200), nullable=False, server_default=""))
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("watchlist_films", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("watched_films", sa.Integer(), nullable=False, server_default="0"))

    connection = op.get_bind()
    titles = connection.execute(sa.text("SELECT id, title FROM movies")).all()
    if titles:
        connection.execute(
            sa.text("UPDATE movies SET sort_title = :key WHERE id = :id"),
            [{"id": movie_id, "key": search_key(title)} for movie_id, title in titles],
        )
    op.execute(
        """UPDATE movies SET
            list_year = coalesce((SELECT year FROM films WHERE films.id = movies.film_id), movies.year),
            runtime = (SELECT runtime FROM films WHERE films.id = movies.film_id),
            genres = coalesce((SELECT genres FROM films WHERE films.id = movies.film_id), '')"""
    )
    watched = "CASE WHEN movies.watched THEN 1 ELSE 0 END"
    op.execute(
        f"""UPDATE users SET
            watchlist_films = (SELECT count(*) - coalesce(sum({watched}), 0) FROM movies WHERE user_id = users.id),
            watched_films = (SELECT coalesce(sum({watched}), 0) FROM movies WHERE user_id = users.id)"""
    )
    for sort, key in SORT_KEYS.items():
        op.create_index(f"ix_movies_list_{sort}", "movies", ["user_id", "watched", sa.text(key), "id"])
    for statement in POSTGRESQL_TRIGGERS if connection.dialect.name == "postgresql" else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        op.execute("DROP TRIGGER movies_count ON movies")
        op.execute("DROP TRIGGER movies_film_columns ON movies")
        op.execute("DROP TRIGGER films_to_movies ON films")
        for function in ("movies_count", "movies_film_columns", "films_to_movies"):
            op.execute(f"DROP FUNCTION {function}()")
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {statement.split()[2]}")
    for sort in SORT_KEYS:
        op.drop_index(f"ix_movies_list_{sort}", table_name="movies")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("watched_films")
        batch.drop_column("watchlist_films")
    with op.batch_alter_table("movies") as batch:
        for column in ("genres", "runtime", "list_year", "sort_title"):
            batch.drop_column(column)
