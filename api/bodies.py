"""What the API's request bodies may hold, read into plain values with a message for each field
that is wrong: the film named as an import's JSON names one (history/readers.py), a viewing as
the diary's form gives one (diary/viewings.check_viewing)."""

import json
from typing import Any, NamedTuple

from ..diary.ratings import HALVES, written
from ..diary.viewings import ViewingForm, check_viewing
from ..history.readers import Unreadable, film_title, film_year, imdb_id
from ..whole_numbers import INTEGER_MAX
from .document import SCHEMAS
from .films import FilmAsked

RATING_RULE = "rating: a whole number of half stars, from 1 (½ a star) to 10 (five stars), or null."


class NotJson(ValueError):
    """A body that cannot be read as JSON; the message says so."""


class Refused(ValueError):
    """A JSON body that is not what the operation takes: the message for each field."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(next(iter(fields.values())))
        self.fields = fields


def json_object(body: bytes, schema: str) -> dict[str, Any]:
    """The body as a JSON object holding only the fields of `schema` (document.py's)."""
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        raise NotJson('The body is not JSON. Send a JSON object, such as {"imdb_id": "tt0113277"}.') from None
    if not isinstance(value, dict):
        raise Refused({"body": "The body must be a JSON object."})
    unknown = {
        name: "FlickList does not know this field." for name in value if name not in SCHEMAS[schema]["properties"]
    }
    if unknown:
        raise Refused(unknown)
    return value


def film_asked(body: dict[str, Any]) -> FilmAsked:
    """The film a body names (FilmNamed): by IMDb id, or by title and year."""
    fields: dict[str, str] = {}
    values: dict[str, Any] = {"imdb_id": None, "title": None, "year": None}
    for name, read in (("imdb_id", imdb_id), ("title", film_title), ("year", read_year)):
        if body.get(name) is not None:
            try:
                values[name] = read(name, body[name])
            except Unreadable as error:
                fields[name] = str(error)
    if not fields and values["imdb_id"] is None and values["title"] is None:
        fields["title"] = "Name the film by its imdb_id, or by its title (and year)."
    if fields:
        raise Refused(fields)
    return FilmAsked(**values)


def read_year(where: str, typed: object) -> int:
    if isinstance(typed, bool) or not isinstance(typed, int):
        raise Unreadable(f"{where}: {typed!r} is not a year, such as 1995.")
    return film_year(where, str(typed))


class ViewingAsked(NamedTuple):
    movie_id: int | None  # a film on the person's lists, or else `film`
    film: FilmAsked | None
    viewing: ViewingForm
    rewatch_given: bool  # else whether the film was watched before decides


def viewing_asked(body: dict[str, Any]) -> ViewingAsked:
    """A diary entry a body describes (NewDiaryEntry), checked as the diary's form is."""
    fields: dict[str, str] = {}
    movie_id, film = body.get("movie_id"), None
    if movie_id is not None:
        if isinstance(movie_id, bool) or not isinstance(movie_id, int) or not 1 <= movie_id <= INTEGER_MAX:
            fields["movie_id"] = "movie_id: the id of a film on your lists, a whole number."
        elif any(body.get(name) is not None for name in ("imdb_id", "title", "year")):
            fields["movie_id"] = "Name the film by movie_id, or by imdb_id or title, not both."
    else:
        try:
            film = film_asked({name: body.get(name) for name in ("imdb_id", "title", "year")})
        except Refused as refused:
            fields |= refused.fields
    form = {"watched_on": body.get("date"), "rating": body.get("rating"), "rewatch": body.get("rewatch", False)}
    form |= {"review": body.get("review", ""), "tags": body.get("tags", [])}
    if not isinstance(form["watched_on"], str | None):
        fields["date"] = "date: the day it was watched, such as 2026-11-25."
    rating = form["rating"]
    if rating is not None and (isinstance(rating, bool) or not isinstance(rating, int) or rating not in HALVES):
        fields["rating"] = RATING_RULE
    if not isinstance(form["rewatch"], bool):
        fields["rewatch"] = "rewatch: true or false."
    if not isinstance(form["review"], str):
        fields["review"] = "review: text."
    tags = form["tags"]
    if not (isinstance(tags, list) and all(isinstance(tag, str) for tag in tags)):
        fields["tags"] = 'tags: a list of texts, such as ["cinema", "with Sam"].'
    if fields:
        raise Refused(fields)
    viewing, errors = check_viewing(
        {
            "watched_on": form["watched_on"] or "",
            "rating": written(rating) if rating is not None else "",
            "rewatch": "on" if form["rewatch"] else "",
            "review": form["review"],
            # As the form's comma-separated field: a comma within a tag makes two of it.
            "tags": ", ".join(tags),
        }
    )
    if viewing is None:
        raise Refused({"date" if name == "watched_on" else name: message for name, message in errors.items()})
    return ViewingAsked(movie_id, film, viewing, "rewatch" in body)
