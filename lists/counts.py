"""How many films a person has on each list: kept on the user's row by triggers (migration
0012), for the navigation and the cap on films per person."""

from sqlalchemy import bindparam, select

from ..tables import users

LIST_COUNTS = select(users.c.watchlist_films, users.c.watched_films).where(users.c.id == bindparam("user_id"))
