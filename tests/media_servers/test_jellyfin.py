"""Jellyfin's webhook plugin (a Generic destination sending all properties as JSON): a film
played to the end, or marked played by hand, is logged on the day it was in the person's
time zone; a film stopped early, an episode or other notifications change nothing."""

from datetime import UTC, datetime, timedelta

from media_server_calls import connect, diary_of, events_shown, jellyfin_payload
from support import flashes


async def send(visitor, url: str, payload: dict):
    return await visitor.client.post(url, json=payload, headers={"User-Agent": "Jellyfin-Server/10.10.3"})


async def test_a_film_played_to_the_end_is_logged(user, visitor, catalog):
    url = await connect(user, "jellyfin")
    answer = await send(visitor, url, jellyfin_payload("PlaybackStop"))
    assert answer.status_code == 200
    assert answer.text.startswith("Added to your Watched list")
    [entry] = await diary_of(user)
    assert "1995 · 170 min" in entry
    assert (await events_shown(user))[0][:2] == ("PlaybackStop", "Heat (1995)")


async def test_a_film_stopped_before_the_end_is_not_logged(user, visitor, catalog):
    url = await connect(user, "jellyfin")
    answer = await send(visitor, url, jellyfin_payload("PlaybackStop", PlayedToCompletion=False))
    assert (answer.status_code, answer.text) == (200, "Stopped before the end.")
    assert await diary_of(user) == []


async def test_a_film_marked_played_by_hand_is_logged_and_other_saves_are_not(user, visitor, catalog):
    url = await connect(user, "jellyfin")
    progress = jellyfin_payload("UserDataSaved", SaveReason="PlaybackProgress", Played=False)
    assert (await send(visitor, url, progress)).text == "Not marked played."
    marked = await send(visitor, url, jellyfin_payload("UserDataSaved", SaveReason="TogglePlayed", Played=True))
    assert marked.text.startswith("Added to your Watched list")
    assert len(await diary_of(user)) == 1


async def test_fields_a_hand_written_template_gives_as_text_are_read_too(user, visitor, catalog):
    url = await connect(user, "jellyfin")
    payload = jellyfin_payload("PlaybackStop", PlayedToCompletion="True", Year="1995")
    assert (await send(visitor, url, payload)).text.startswith("Added to your Watched list")


async def test_the_viewing_is_dated_by_the_day_in_the_persons_time_zone(user, visitor, catalog):
    url = await connect(user, "jellyfin")
    # 03:30 UTC yesterday is still the evening before in New York.
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    moment = datetime(yesterday.year, yesterday.month, yesterday.day, 3, 30, tzinfo=UTC)
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S.0000000Z")
    await send(visitor, url, jellyfin_payload("PlaybackStop", UtcTimestamp=stamp))
    assert (await diary_of(user))[0].startswith(moment.strftime("%-d %b %Y")), "unset, the day is UTC's"
    answer = await user.post("/account/media-servers/time-zone", {"zone": "America/New_York"})
    assert answer.status_code == 303
    page = (await user.get("/account/media-servers")).text
    assert flashes(page) == ["Films your media servers report are dated by America/New_York time now."]
    assert "<option selected>America/New_York</option>" in page
    await send(
        visitor,
        url,
        jellyfin_payload("PlaybackStop", name="Dune", year=1984, Provider_imdb="tt0000107", UtcTimestamp=stamp),
    )
    [dune_entry] = [entry for entry in await diary_of(user) if "Dune" in entry]
    assert dune_entry.startswith((moment - timedelta(days=1)).strftime("%-d %b %Y")), "22:30 in New York"


async def test_a_time_zone_not_offered_is_refused(user):
    await user.post("/account/media-servers/time-zone", {"zone": "Mars/Olympus_Mons"})
    page = (await user.get("/account/media-servers")).text
    assert flashes(page) == ["Choose a time zone from the list."]
    assert "<option selected>UTC</option>" in page


async def test_episodes_and_other_notifications_are_answered_200_and_left_alone(user, visitor):
    url = await connect(user, "jellyfin")
    episode = jellyfin_payload("PlaybackStop", name="Pilot", ItemType="Episode", SeriesName="Breaking Bad")
    assert (await send(visitor, url, episode)).text == "Only films are logged, and this is an episode."
    assert (await send(visitor, url, jellyfin_payload("PlaybackStart"))).status_code == 200
    assert (await send(visitor, url, jellyfin_payload("PlaybackProgress"))).text == "Playing."
    assert (await send(visitor, url, {"NotificationType": "ItemAdded", "Name": "Heat"})).status_code == 200
    assert await diary_of(user) == []
    kept = [event for event, *_ in await events_shown(user)]
    assert kept == ["ItemAdded", "PlaybackStart", "PlaybackStop"], "progress reports are not kept to show"
