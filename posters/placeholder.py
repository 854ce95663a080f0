"""The poster a film shows until it has a real one (or always, with no TMDB key): a card in
a colour of its own, the same for the same title every time, with the title and year."""

import colorsys
import textwrap
import unicodedata
import zlib
from html import escape

LINE_CHARACTERS = 11
MAX_LINES = 5


def card_lines(title: str) -> list[str]:
    printable = "".join(c for c in title if not unicodedata.category(c).startswith("C")).strip() or "?"
    lines = textwrap.wrap(printable, LINE_CHARACTERS, break_long_words=True) or [printable]
    if len(lines) > MAX_LINES:
        lines = [*lines[: MAX_LINES - 1], lines[MAX_LINES - 1][: LINE_CHARACTERS - 1] + "…"]
    return lines


def hex_colour(hue: float, lightness: float, saturation: float) -> str:
    return "#" + "".join(f"{round(part * 255):02x}" for part in colorsys.hls_to_rgb(hue, lightness, saturation))


def placeholder_svg(title: str, year: int | None) -> str:
    """A 2:3 SVG card. White text on a dark tint of the title's hue keeps a contrast over 7:1 whatever the hue."""
    hue = zlib.crc32(title.casefold().encode()) % 360 / 360
    lines = card_lines(title)
    top = 90 - 9 * len(lines)
    text = "".join(f'<tspan x="60" y="{top + 18 * number}">{escape(line)}</tspan>' for number, line in enumerate(lines))
    year_text = f'<text x="60" y="164" font-size="13" fill-opacity=".8">{year}</text>' if year else ""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 180" width="120" height="180">'
        f'<rect width="120" height="180" rx="6" fill="{hex_colour(hue, 0.24, 0.4)}"/>'
        f'<rect x="6" y="6" width="108" height="168" rx="3" fill="none" stroke="{hex_colour(hue, 0.7, 0.55)}"/>'
        '<g fill="#fff" font-family="system-ui, sans-serif" text-anchor="middle">'
        f'<text font-size="14" font-weight="600">{text}</text>{year_text}</g></svg>'
    )
