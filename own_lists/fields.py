"""What a list of one's own may hold in words: its name, its description, a note on a film. The
form (features/own_lists.py) and an import (history/readers.py) keep to the same bounds."""

import unicodedata

NAME_MAX = 100
INVISIBLE = ("Zs", "Cf", "Mn", "Me")  # spaces, format characters (zero-width), combining marks alone
DESCRIPTION_MAX = 20_000  # as long as a review: Letterboxd's lists carry essays
NOTE_MAX = 20_000
SOURCE_MAX = 300  # where an imported list came from (film_lists.source), "letterboxd:<slug>"


def name_error(name: str) -> str | None:
    if not name or all(unicodedata.category(character) in INVISIBLE for character in name):
        return "A list needs a name."
    if len(name) > NAME_MAX:
        return f"A list's name can be at most {NAME_MAX} characters long."
    return None


def description_error(description: str) -> str | None:
    if len(description) > DESCRIPTION_MAX:
        return f"A description can be at most {DESCRIPTION_MAX:,} characters long."
    return None


def note_error(note: str) -> str | None:
    if len(note) > NOTE_MAX:
        return f"A note can be at most {NOTE_MAX:,} characters long."
    return None
