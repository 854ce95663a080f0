"""Plex's webhooks (a Plex Pass feature, set under Account > Webhooks): a multipart form whose
`payload` field is the JSON (a `thumb` JPEG comes along with some events, and is ignored).
media.scrobble (sent once 90% is played) logs the film; media.rate rates it; the other
events change nothing, nor does another account's playback that Plex sends the server
owner's webhook too (`user` false). The film is found by its IMDb id among `Metadata.Guid` (new agents),
else in the legacy `Metadata.guid`, else by title and year."""

import re

from .events import (
    RATED,
    WATCHED,
    BadPayload,
    Event,
    Film,
    fields_of,
    film_named,
    not_a_film,
    nothing,
    plex_rating,
    text_field,
)

PLAYBACK = {
    "media.play": "Playing; logged once watched past 90%.",
    "media.pause": "Paused.",
    "media.resume": "Resumed.",
    "media.stop": "Stopped; logged only once watched past 90%.",
}
ABOUT_THE_SERVER = {
    "library.on.deck",
    "library.new",
    "admin.database.backup",
    "admin.database.corrupted",
    "device.new",
    "playback.started",
}
LEGACY_IMDB_GUID = re.compile(r"com\.plexapp\.agents\.imdb://([^?]*)")


def event(document: object) -> Event:
    fields = fields_of(document, "The payload")
    name = text_field(fields, "event")
    if name in ABOUT_THE_SERVER:
        return nothing(name, "Not about a film watched.")
    if name not in PLAYBACK and name not in ("media.scrobble", "media.rate"):
        raise BadPayload(f"Unknown event {name[:40]!r}." if name else "The payload has no event.")
    if fields.get("user") is False:
        # Sent to the server owner's webhook for another account's playback on the server.
        account = fields.get("Account")
        who = text_field(account, "title")[:40] if isinstance(account, dict) else ""
        return nothing(name, f"Played by another account ({who or 'not yours'}) on your server.")
    metadata = fields_of(fields.get("Metadata"), "Metadata")
    kind = text_field(metadata, "type")
    if kind != "movie":
        return not_a_film(name, kind)
    film = film_of(metadata)
    if name == "media.scrobble":
        return Event(name, WATCHED, film)
    if name == "media.rate":
        return Event(name, RATED, film, rating=plex_rating(fields.get("rating", metadata.get("userRating", -1))))
    return nothing(name, PLAYBACK[name], film)


def film_of(metadata: dict) -> Film:
    guids = metadata.get("Guid") or []
    if not isinstance(guids, list):
        raise BadPayload("Metadata.Guid is not a list.")
    ids = [guid.get("id") for guid in guids if isinstance(guid, dict)]
    imdb = next((typed[7:] for typed in ids if isinstance(typed, str) and typed.startswith("imdb://")), None)
    if imdb is None and (legacy := LEGACY_IMDB_GUID.match(text_field(metadata, "guid"))):
        imdb = legacy.group(1)
    return film_named("Metadata", metadata.get("title"), metadata.get("year"), imdb)
