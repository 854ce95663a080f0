"""Film nights as an iCalendar feed (RFC 5545): each night an all-day event naming the film and
the list it comes from, for calendar apps to subscribe to. Nights from CALENDAR_PAST_DAYS ago on,
on every list the account may change (its own, and those shared with it)."""

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from ..db import Database
from ..own_lists.nights import Night, calendar_of


def escaped(text: str) -> str:
    """A TEXT value as RFC 5545 writes it: backslash, semicolon, comma and line breaks escaped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def folded(line: str) -> str:
    """A content line cut at 75 octets, each further part starting with a space (RFC 5545 3.1),
    never inside a character."""
    parts, current = [], ""
    for character in line:
        limit = 75 if not parts else 74
        if len((current + character).encode("utf-8")) > limit:
            parts.append(current)
            current = character
        else:
            current += character
    parts.append(current)
    return "\r\n ".join(parts)


def event(night: Night, origin: str, host: str) -> list[str]:
    day = date.fromisoformat(night.on_date)
    film = f"{night.title} ({night.year})" if night.year else night.title
    link = f"{origin}/films/{night.film_id}" if night.film_id else f"{origin}/lists/{night.list_id}"
    stamp = datetime.fromtimestamp(night.created_at, UTC).strftime("%Y%m%dT%H%M%SZ")
    return [
        "BEGIN:VEVENT",
        f"UID:film-night-{night.id}@{host}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{escaped('Film night: ' + film)}",
        f"DESCRIPTION:{escaped(f'From the list {night.list_name}, planned by {night.planned_by}.')}",
        f"URL:{link}",
        "END:VEVENT",
    ]


async def nights_ics(db: Database, user_id: int, origin: str, today: date) -> str:
    """The feed's text; `origin` is the site's, which its links and event ids are made from."""
    host = urlsplit(origin).netloc or "flicklist"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//FlickList//Film nights//EN",
        "X-WR-CALNAME:FlickList film nights",
    ]
    for night in await calendar_of(db, user_id, today):
        lines += event(night, origin, host)
    lines.append("END:VCALENDAR")
    return "".join(folded(line) + "\r\n" for line in lines)
