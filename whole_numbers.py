"""Whole numbers as people and browsers send them (an id in a path, a year in a query string,
a form's field): ASCII digits only, within bounds, else no number at all. `str.isdigit()`
is not enough: it accepts "²" (which `int()` refuses) and full-width digits, and a number of any
length, which the database cannot hold."""

# The largest an Integer column holds on PostgreSQL (ids among them), and a BigInteger (Unix seconds).
INTEGER_MAX = 2**31 - 1
BIG_INTEGER_MAX = 2**63 - 1
LONGEST = 40  # characters: past every bound, leading zeros and all (int() of a long text is slow)


def whole_number(text: str, lowest: int, highest: int) -> int | None:
    """`text` (spaces around it aside) as a number from `lowest` to `highest`; None for
    anything else: empty, signed, fractional, non-ASCII digits, too long or out of bounds."""
    text = text.strip()
    if len(text) > LONGEST or not (text.isascii() and text.isdigit()):  # the ASCII digits only
        return None
    number = int(text)
    return number if lowest <= number <= highest else None


def row_id(text: str) -> int | None:
    """An id a row of any table could have."""
    return whole_number(text, 1, INTEGER_MAX)


def pattern_up_to(highest: int) -> str:
    """A regular expression for the numbers from 0 to `highest` in ASCII digits, so that a
    route whose id is out of bounds is not found rather than handed to the database."""
    top = str(highest)
    shorter = [f"[0-9]{{1,{len(top) - 1}}}"] if len(top) > 1 else []
    below = [
        f"{top[:place]}[0-{int(digit) - 1}][0-9]{{{len(top) - place - 1}}}"
        for place, digit in enumerate(top)
        if digit != "0"
    ]
    return "|".join([*shorter, *below, top])
