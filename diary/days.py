"""The diary's days: ISO dates ("2026-11-25"), which sort and compare the same on both
databases, and how a person reads them."""

from datetime import UTC, date, datetime, timedelta

# No date is in the future anywhere: the last time zone to reach a day is UTC+14's.
EARTHS_LEAD = timedelta(hours=14)


def today() -> date:
    """The day a viewing is dated by default: UTC's."""
    return datetime.now(UTC).date()


def written_day(iso: str) -> str:
    """A diary's day as a person reads it: "2026-11-25" is "25 Nov 2026"."""
    return date.fromisoformat(iso).strftime("%-d %b %Y")


def latest_day_anywhere() -> date:
    return (datetime.now(UTC) + EARTHS_LEAD).date()


def start_of_day(iso: str) -> int:
    """The Unix seconds of the day's midnight, UTC."""
    return int(datetime.combine(date.fromisoformat(iso), datetime.min.time(), UTC).timestamp())


def written_month(iso: str) -> str:
    """ "2026-11-25" is "November 2026"."""
    return date.fromisoformat(iso).strftime("%B %Y")
