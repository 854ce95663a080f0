"""What a media server's call says, once read: an `Event` (log a watch, set a rating, or
nothing, with why), or a `BadPayload` with the one sentence the server's log shows."""

import json
import re
from datetime import datetime
from typing import NamedTuple

from ..history.readers import Unreadable, film_title, film_year, imdb_id

WATCHED, RATED, NOTHING = "watched", "rated", "nothing"


class BadPayload(ValueError):
    """A call that cannot be read: answered 400 with this message, and nothing kept."""


class Film(NamedTuple):
    """The film as the server names it: its IMDb id when the server knows it, else None."""

    imdb_id: str | None
    title: str
    year: int | None

    def __str__(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title


class Event(NamedTuple):
    """`name` is the server's own name for the event ("media.scrobble"). `action` is WATCHED,
    RATED (`rating` in half stars, None when the rating was taken away) or NOTHING (`why`
    says why). `moment` is when it happened, as the server says (Unix seconds), else None.
    An event not `kept` is answered and forgotten: progress reports, every few seconds of a
    film, would push what matters off the list of the last events."""

    name: str
    action: str
    film: Film | None = None
    rating: int | None = None
    why: str = ""
    moment: int | None = None
    kept: bool = True


def nothing(name: str, why: str, film: Film | None = None) -> Event:
    return Event(name, NOTHING, film, why=why)


def progress(name: str) -> Event:
    return Event(name, NOTHING, why="Playing.", kept=False)


def not_a_film(name: str, kind: str) -> Event:
    """An event about an episode, a song, …: `kind` as the server names it."""
    kind = kind[:30].lower() or "item"
    return nothing(name, f"Only films are logged, and this is {'an' if kind[0].lower() in 'aeiou' else 'a'} {kind}.")


def json_document(text: str | bytes) -> object:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise BadPayload("The payload is not JSON.") from None


def fields_of(document: object, where: str) -> dict:
    if not isinstance(document, dict):
        raise BadPayload(f"{where} is not a JSON object.")
    return document


def text_field(fields: dict, name: str) -> str:
    """A field that must be text when present; '' when it is absent or null."""
    value = fields.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadPayload(f"{name} is not text.")
    return value


def flag(fields: dict, name: str) -> bool:
    """A true/false field, as JSON's true or as a template writes it ("True", "true")."""
    value = fields.get(name)
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is True


def film_named(where: str, title: object, year: object, imdb: object = None) -> Film:
    """The film a payload names: a title (and year) it must have, and an IMDb id when given
    (`imdb` None or '': none given; anything else must be one)."""
    try:
        typed_year = str(year) if isinstance(year, int) and not isinstance(year, bool) else year
        if typed_year is not None and not isinstance(typed_year, str):
            raise Unreadable(f"{where}: the year {year!r} is not a year.")
        return Film(
            imdb_id(where, imdb) if imdb not in (None, "") else None,
            film_title(where, title),
            film_year(where, typed_year or ""),
        )
    except Unreadable as error:
        raise BadPayload(str(error)) from None


# ISO 8601 as .NET writes it: "2026-12-07T20:15:31.1234567Z"; Python reads six decimals at most.
FRACTION = re.compile(r"(\.\d{6})\d+")


def moment_of(typed: object) -> int | None:
    """An ISO 8601 time with its offset (or Z) as Unix seconds; None when there is none to read."""
    if not isinstance(typed, str) or not typed:
        return None
    try:
        moment = datetime.fromisoformat(FRACTION.sub(r"\1", typed.strip()))
    except ValueError:
        return None
    return int(moment.timestamp()) if moment.tzinfo is not None else None


def plex_rating(value: object) -> int | None:
    """Plex's rating from 0 to 10 (10 is five stars) as half stars; 0, or -1 (unrated), as None."""
    if value == -1:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 10:
        raise BadPayload("The rating is not a number from 0 to 10.")
    return round(value) or None
