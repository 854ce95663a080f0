"""What the media servers send, shaped as each documents it: Plex's multipart form with its
JSON `payload` (and a `thumb` JPEG), the Jellyfin webhook plugin's Generic destination with
"Send All Properties", and Emby's webhook JSON (or its form with the JSON in `data`). And the
steps of a person connecting one: the URL shown once on the page."""

import html
import json
import re

from support import Visitor, texts_of_class

# A few bytes with JPEG's markers: Plex attaches the poster of some events as a `thumb` part.
THUMB = b"\xff\xd8\xff\xe0" + b"\x00" * 2000 + b"\xff\xd9"


async def connect(person: Visitor, kind: str) -> str:
    """Make the URL of `kind` on the page, as a person does; its path (the page shows it once)."""
    answer = await person.post(f"/account/media-servers/{kind}/new")
    assert answer.status_code == 303, answer.text
    page = (await person.get("/account/media-servers")).text
    match = re.search(rf'<code class="secret" id="{kind}-url">http://testserver(/[^<]+)</code>', page)
    assert match, f"the new {kind} URL is on the page"
    assert match.group(1) not in (await person.get("/account/media-servers")).text, "shown only once"
    return match.group(1)


def plex_payload(event: str = "media.scrobble", title: str = "Heat", year: int | None = 1995, **metadata) -> dict:
    """As support.plex.tv's Webhooks article lays it out: Account, Server, Player, Metadata."""
    fields = {
        "librarySectionType": "movie",
        "ratingKey": "1936545",
        "key": "/library/metadata/1936545",
        "guid": "plex://movie/5d776825880197001ec967c6",
        "studio": "Warner Bros.",
        "type": "movie",
        "title": title,
        "year": year,
        "summary": "Obsessive master thief Neil McCauley leads a top-notch crew…",
        "rating": 8.7,
        "audienceRating": 9.4,
        "viewOffset": 10199000,
        "lastViewedAt": 1733600000,
        "addedAt": 1520000000,
        "updatedAt": 1700000000,
        "Guid": [{"id": "imdb://tt0000101"}, {"id": "tmdb://949"}, {"id": "tvdb://1102"}],
        **metadata,
    }
    return {
        "event": event,
        "user": True,
        "owner": True,
        "Account": {"id": 1, "thumb": "https://plex.tv/users/1022b120ffbaa/avatar?c=1465525047", "title": "ann"},
        "Server": {"title": "Living room", "uuid": "54664a3d8acc39983675640ec9ce00b70af9cc36"},
        "Player": {"local": True, "publicAddress": "200.200.200.200", "title": "Plex Web (Safari)", "uuid": "r6yfk"},
        "Metadata": fields,
    }


def plex_episode(event: str = "media.scrobble") -> dict:
    payload = plex_payload(event, title="Pilot", year=2008)
    payload["Metadata"].update(
        librarySectionType="show", type="episode", grandparentTitle="Breaking Bad", parentIndex=1, index=1
    )
    payload["Metadata"]["Guid"] = [{"id": "imdb://tt0959621"}, {"id": "tvdb://349232"}]
    return payload


async def send_plex(visitor: Visitor, path: str, payload: dict, thumb: bool = True):
    """As Plex posts it: multipart/form-data, the JSON in `payload`, the poster in `thumb`."""
    files = {"thumb": ("thumb.jpg", THUMB, "image/jpeg")} if thumb else {"payload": (None, json.dumps(payload))}
    data = {"payload": json.dumps(payload)} if thumb else None
    return await visitor.client.post(path, data=data, files=files, headers={"User-Agent": "PlexMediaServer/1.41"})


def jellyfin_payload(notification: str = "PlaybackStop", name: str = "Heat", year: int | None = 1995, **fields) -> dict:
    """What the plugin's Generic destination sends with "Send All Properties": its data
    object (DataObjectHelpers: the base, the item's, the playback's or the user data's)."""
    document = {
        "ServerId": "a1b2c3",
        "ServerName": "jellyfin",
        "ServerVersion": "10.10.3",
        "ServerUrl": "http://192.168.1.20:8096",
        "NotificationType": notification,
        "Timestamp": "2026-12-07T21:40:02.4439813+01:00",
        "UtcTimestamp": "2026-12-07T20:40:02.4439813Z",
        "Name": name,
        "Overview": "Obsessive master thief Neil McCauley leads a top-notch crew…",
        "Tagline": "A Los Angeles crime saga",
        "ItemId": "0f1d2c3b4a5968778695a4b3c2d1e0f0",
        "ItemType": "Movie",
        "RunTimeTicks": 102000000000,
        "RunTime": "02:50:00",
        "Year": year,
        "PremiereDate": "1995-12-15",
        "Genres": "Action, Crime, Drama",
        "Provider_tmdb": "949",
        "Provider_imdb": "tt0000101",
        "NotificationUsername": "ann",
        "UserId": "5c1e3a0b2f4d4e6f8a9b0c1d2e3f4a5b",
        **fields,
    }
    if notification == "PlaybackStop":
        document = {
            "PlaybackPositionTicks": 101000000000,
            "PlaybackPosition": "02:48:20",
            "MediaSourceId": "0f1d2c3b4a5968778695a4b3c2d1e0f0",
            "IsPaused": False,
            "IsAutomated": False,
            "DeviceId": "TW96aWxsYS81LjA",
            "DeviceName": "Firefox",
            "ClientName": "Jellyfin Web",
            "PlayedToCompletion": True,
            **document,
        }
    return document


def emby_payload(event: str = "playback.stop", name: str = "Heat", year: int | None = 1995, **item) -> dict:
    """As Emby's Webhooks notification posts it: Title, Date, Event, User, Item, Server and,
    for playback, PlaybackInfo."""
    document = {
        "Title": f"ann has finished playing {name} on Emby Web",
        "Description": "Monday, 7 December 2026 21:40",
        "Date": "2026-12-07T20:40:02.0950000Z",
        "Event": event,
        "User": {"Name": "ann", "Id": "aac3a78d9f184ea480fb1629e76aad57"},
        "Item": {
            "Name": name,
            "OriginalTitle": name,
            "ServerId": "15596ac9bbc24127b9f01db6f33630c7",
            "Id": "4916",
            "DateCreated": "2025-05-05T22:40:06.0000000Z",
            "Container": "mkv",
            "PremiereDate": "1995-12-15T00:00:00.0000000Z",
            "ProductionYear": year,
            "RunTimeTicks": 102000000000,
            "ProviderIds": {"Tmdb": "949", "Imdb": "tt0000101"},
            "IsFolder": False,
            "Type": "Movie",
            **item,
        },
        "Server": {"Name": "emby", "Id": "15596ac9bbc24127b9f01db6f33630c7", "Version": "4.8.10.0"},
    }
    if event.startswith("playback."):
        document["PlaybackInfo"] = {
            "PlayedToCompletion": True,
            "PositionTicks": 101500000000,
            "PlaylistIndex": 0,
            "PlaylistLength": 1,
        }
    return document


async def diary_of(person: Visitor) -> list[str]:
    """The diary's entries as the person reads them: day, title, details, rating, tags."""
    return texts_of_class((await person.get("/diary")).text, "diary-entry")


async def events_shown(person: Visitor) -> list[tuple[str, str, str]]:
    """The rows of every "Last events received" table on the page, newest first: (event,
    film, what was done), as read."""
    page = (await person.get("/account/media-servers")).text
    row = r'<tr class="webhook-event"><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>'
    cells = re.findall(row, page)
    return [tuple(html.unescape(cell) for cell in row) for row in cells]


def checked_rating(html: str) -> str | None:
    """The stars checked on a Watched page holding one film ("3.5"), or None."""
    found = re.findall(r'name="rating" value="([0-9.]+)"[^>]*\schecked', html)
    return found[0] if found else None
