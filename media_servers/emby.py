"""Emby's webhooks (Emby Premiere; a "Webhooks" notification): JSON, or a form whose `data`
field is the JSON. playback.stop with PlaybackInfo.PlayedToCompletion, or item.markplayed,
logs the film; other events change nothing. The film is found by Item.ProviderIds.Imdb,
else by Item.Name and Item.ProductionYear."""

from .events import (
    WATCHED,
    BadPayload,
    Event,
    fields_of,
    film_named,
    flag,
    moment_of,
    not_a_film,
    nothing,
    progress,
    text_field,
)

ABOUT_PLAYING = {
    "playback.start": "Playing; logged once played to the end.",
    "playback.pause": "Paused.",
    "playback.unpause": "Resumed.",
    "item.markunplayed": "Marked unplayed: the diary keeps its entries.",
    "item.rate": "Emby's likes and favourites are not ratings.",
}
# Emby's other families of events (new media, users, the server, plugins): none about a viewing.
ABOUT_THE_SERVER = ("library.", "user.", "system.", "plugins.", "app.", "device.", "session.")


def event(document: object) -> Event:
    fields = fields_of(document, "The payload")
    name = text_field(fields, "Event")
    if name == "playback.progress":
        return progress(name)
    if name == "system.notificationtest":
        return nothing(name, "A test from Emby: this URL works.")
    if name.startswith(ABOUT_THE_SERVER):
        return nothing(name, "Not about a film watched.")
    if name not in ABOUT_PLAYING and name not in ("playback.stop", "item.markplayed"):
        raise BadPayload(f"Unknown event {name[:40]!r}." if name else "The payload has no Event.")
    item = fields_of(fields.get("Item"), "Item")
    kind = text_field(item, "Type")
    if kind != "Movie":
        return not_a_film(name, kind)
    ids = fields_of(item.get("ProviderIds") or {}, "Item.ProviderIds")
    imdb = next((value for key, value in ids.items() if key.lower() == "imdb"), None)
    film = film_named("Item", item.get("Name"), item.get("ProductionYear"), imdb)
    if name in ABOUT_PLAYING:
        return nothing(name, ABOUT_PLAYING[name], film)
    playback = fields_of(fields.get("PlaybackInfo") or {}, "PlaybackInfo")
    if name == "playback.stop" and not flag(playback, "PlayedToCompletion"):
        return nothing(name, "Stopped before the end.", film)
    return Event(name, WATCHED, film, moment=moment_of(fields.get("Date")))
