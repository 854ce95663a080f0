"""Text as FlickList keeps and matches it: what a person types, cleaned before it is stored;
titles folded for matching, the same way on both databases: accents off, case folded,
punctuation made space ("Amélie" and "amelie", "Heat (1995)" and "heat 1995")."""

import re
import unicodedata

# Characters that reorder the text around them: a title could make a row read differently.
STORED_KEY_MAX = 500
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def clean_text(text: str) -> str:
    """Typed one-line text as it is stored: NFC, with control characters (NUL included),
    surrogates and direction overrides dropped, and runs of spaces made one."""
    if text.isascii() and text.isprintable():
        return " ".join(text.split())  # the common case, checked in C: nothing to drop
    spaced = " ".join(unicodedata.normalize("NFC", text).split())
    kept = "".join(c for c in spaced if unicodedata.category(c) not in ("Cc", "Cs") and c not in BIDI_CONTROLS)
    return " ".join(kept.split())


# ASCII's control characters but the line break and the tab, dropped in one translate().
ASCII_CONTROLS = {code: None for code in (*range(32), 127) if chr(code) not in "\n\t"}


def clean_lines(text: str) -> str:
    """Typed text of several lines (a review) as it is stored: NFC, "\r\n" and a lone "\r" (old
    Macs' line break) made "\n", other control characters (NUL included, which PostgreSQL cannot
    store), surrogates and direction overrides dropped, and the space around it trimmed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii():
        return text.translate(ASCII_CONTROLS).strip()
    text = unicodedata.normalize("NFC", text)
    return "".join(
        c for c in text if c in "\n\t" or (unicodedata.category(c) not in ("Cc", "Cs") and c not in BIDI_CONTROLS)
    ).strip()


YEAR = re.compile(r"^\(?(18[89]\d|19\d\d|20\d\d)\)?$")


# ASCII's punctuation and symbols made space in one translate(): most titles are ASCII only.
ASCII_NOT_ALNUM = {code: " " for code in range(128) if not chr(code).isalnum()}


def search_key(text: str) -> str:
    if text.isascii():
        return " ".join(text.lower().translate(ASCII_NOT_ALNUM).split())
    return folded(text)


def stored_key(text: str) -> str:
    """search_key() cut to the length the columns holding one keep (films.search_key and the
    lists' sort_title: 500): a character may fold to several ("㎯" to six)."""
    return search_key(text)[:STORED_KEY_MAX]


def folded(text: str) -> str:
    """Any text's key: accents off (NFKD, combining marks dropped), case folded, every
    character but letters and digits made space."""
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in letters).split())


PAIRED_PREFIXES = (3, 4)


def search_pairs(key: str) -> str:
    """Every ordered pair of a folded title's words as one token: the first word's first 3
    characters (words that long only), "_", the second's first 4 (PAIRED_PREFIXES). SQLite's
    search looks up a query's words two at a time in these (catalog/search.py): two common
    words each name thousands of films, a pair of them a few dozen."""
    first_length, second_length = PAIRED_PREFIXES
    words = key.split()
    pairs = {
        f"{first[:first_length]}_{second[:second_length]}"
        for i, first in enumerate(words)
        if len(first) >= first_length
        for j, second in enumerate(words)
        if i != j
    }
    return " ".join(sorted(pairs))


def film_details(year: int | None, runtime: int | None, genres: str) -> str:
    """A film's year, runtime and genres as a row shows them: "1995 · 170 min · Action, Crime"."""
    parts = [str(year) if year else "", f"{runtime} min" if runtime else "", genres.replace(",", ", ")]
    return " · ".join(part for part in parts if part)


def words_and_year(query: str) -> tuple[str, int | None]:
    """The query's folded words, and a year it names ("heat 1995", "Heat (1995)"), if any:
    a year-like last word, when other words come before it."""
    parts = query.split()
    year = None
    if len(parts) > 1 and (match := YEAR.match(parts[-1])):
        year, parts = int(match.group(1)), parts[:-1]
    return search_key(" ".join(parts)), year
