"""CSV cells a spreadsheet will not run (OWASP's CSV injection): a cell that would begin with
=, +, -, @, a tab or a carriage return gets a leading apostrophe, and reading our own CSV takes
exactly that apostrophe off again, so every text comes back as it was written."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def needs_mark(text: str) -> bool:
    # Apostrophes already in front count too, so that "'=x" and "=x" stay apart on the way back.
    return text.lstrip("'")[:1] in FORMULA_STARTS


def inert(text: str) -> str:
    return "'" + text if needs_mark(text) else text


def as_written(cell: str) -> str:
    """The text `inert()` was given."""
    return cell[1:] if cell.startswith("'") and needs_mark(cell[1:]) else cell
