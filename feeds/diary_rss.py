"""The diary as an RSS 2.0 feed: the newest viewings (as many as a diary page shows), each an
item naming the film (its year, runtime and genres), the day it was watched, its rating and
whether it was a rewatch. Reviews
stay out: a feed's URL travels to feed readers and their services."""

from datetime import UTC, datetime
from email.utils import format_datetime
from xml.etree import ElementTree

from ..db import Database
from ..diary.days import start_of_day, written_day
from ..diary.pages import read_diary
from ..diary.ratings import spoken
from ..lists.entries import entry_url


async def diary_rss(db: Database, user_id: int, origin: str) -> bytes:
    """The feed's XML; `origin` is the site's, which its links start from."""
    entries, _ = await read_diary(db, user_id, None)
    rss = ElementTree.Element("rss", version="2.0")
    channel = ElementTree.SubElement(rss, "channel")
    for name, text in (
        ("title", "FlickList diary"),
        ("link", f"{origin}/diary"),
        ("description", "Films watched, newest first."),
    ):
        ElementTree.SubElement(channel, name).text = text
    for entry in entries:
        item = ElementTree.SubElement(channel, "item")
        said = [entry.details] if entry.details else []
        said += [f"watched {written_day(entry.watched_on)}"]
        said += [spoken(entry.rating)] if entry.rating else []
        said += ["a rewatch"] if entry.rewatch else []
        moment = datetime.fromtimestamp(start_of_day(entry.watched_on), UTC)
        for name, text in (
            ("title", entry.title),
            ("link", f"{origin}{entry_url(entry.movie_id, entry.film_id)}"),
            ("description", "; ".join(said) + "."),
            ("pubDate", format_datetime(moment, usegmt=True)),
        ):
            ElementTree.SubElement(item, name).text = text
        ElementTree.SubElement(item, "guid", isPermaLink="false").text = f"{origin}/viewings/{entry.id}"
    return ElementTree.tostring(rss, encoding="utf-8", xml_declaration=True)
