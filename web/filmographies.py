"""A person's films as their page lists them. The rows are the same for every viewer of one
catalog, so each worker draws them once per person, sort and catalog (its films' last load and
its credits' generation: a reload is a new key) and keeps the most recent CACHED; the viewer's
own marks (Seen, On your watchlist) are read afresh and put in at each request. Drawing 200
rows through Jinja at each request was most of the page's time (bench/results.md, issue 30)."""

from collections import OrderedDict
from collections.abc import Awaitable, Callable

from markupsafe import Markup

from ..catalog.people import Part
from .rendering import templates

CACHED = 256
SLOT = "\x00"  # where a row's mark goes; no catalog text holds it (catalog/imdb_files.py refuses it)

Drawn = list[tuple[str, list[tuple[int, str, str]]]]  # by part: each film's id, its row before and after the mark


def draw(parts: list[tuple[str, list[Part]]]) -> Drawn:
    film = templates.env.get_template("partials/person_films.html").module.film
    return [
        (heading, [(part.film_id, *str(film(part, SLOT)).split(SLOT)) for part in group]) for heading, group in parts
    ]


def marked(drawn: Drawn, marks: dict[int, bool]) -> list[tuple[str, Markup]]:
    """Each part's rows, each film marked as the viewer has it (`marks`: on their lists, watched or not)."""
    mark = templates.env.get_template("partials/person_films.html").module.mark
    shown = {watched: str(mark(watched)) for watched in (True, False, None)}
    return [
        (heading, Markup("".join(before + shown[marks.get(film_id)] + after for film_id, before, after in rows)))
        for heading, rows in drawn
    ]


class Filmographies:
    def __init__(self, entries: int = CACHED) -> None:
        self.entries = entries
        self.drawn: OrderedDict[tuple, Drawn] = OrderedDict()

    async def drawn_for(self, key: tuple, parts: Callable[[], Awaitable[list[tuple[str, list[Part]]]]]) -> Drawn:
        """The rows of `key` (person, sort, catalog), drawn from `parts()` when not kept."""
        if (found := self.drawn.get(key)) is not None:
            self.drawn.move_to_end(key)
            return found
        found = self.drawn[key] = draw(await parts())
        if len(self.drawn) > self.entries:
            self.drawn.popitem(last=False)
        return found
