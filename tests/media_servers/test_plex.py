"""Plex's webhooks: a film Plex counts watched (media.scrobble, at 90%) goes onto the Watched
list and into the diary by itself; a rating given in Plex rates it; the rest of what Plex
sends (play, pause, episodes, the server's own events) changes nothing but is shown."""

import asyncio

from media_server_calls import (
    checked_rating,
    connect,
    diary_of,
    events_shown,
    plex_episode,
    plex_payload,
    send_plex,
)
from support import texts_of_class


async def test_a_film_plex_counts_watched_goes_onto_the_watched_list_and_into_the_diary(user, visitor, catalog):
    url = await connect(user, "plex")
    answer = await send_plex(visitor, url, plex_payload("media.scrobble"))
    assert answer.status_code == 200
    assert answer.text.startswith("Added to your Watched list: watched ")
    [entry] = await diary_of(user)
    assert "Heat" in entry and "1995 · 170 min · Action, Crime, Drama" in entry, "the catalog's, by its IMDb id"
    assert texts_of_class((await user.get("/watched")).text, "title") == ["Heat"]
    [(event, film, outcome)] = await events_shown(user)
    assert (event, film) == ("media.scrobble", "Heat (1995)")
    assert outcome.startswith("Added to your Watched list")


async def test_a_film_on_the_watchlist_is_crossed_off_it(user, visitor, catalog):
    await user.add("Heat (1995)")
    assert texts_of_class((await user.get("/")).text, "title") == ["Heat"]
    url = await connect(user, "plex")
    answer = await send_plex(visitor, url, plex_payload())
    assert answer.text.startswith("Crossed off your watchlist")
    assert texts_of_class((await user.get("/")).text, "title") == []
    assert texts_of_class((await user.get("/watched")).text, "title") == ["Heat"]
    assert len(await diary_of(user)) == 1


async def test_plex_sending_its_scrobble_twice_logs_one_viewing(user, visitor, catalog):
    url = await connect(user, "plex")
    first = await send_plex(visitor, url, plex_payload())
    again = await send_plex(visitor, url, plex_payload())
    assert first.status_code == again.status_code == 200
    assert again.text == "Already logged from a call moments ago: one viewing."
    assert len(await diary_of(user)) == 1
    assert len(await events_shown(user)) == 2, "both calls are shown, the second as a repeat"


async def test_two_deliveries_at_the_same_moment_log_one_viewing(user, make_visitor, catalog):
    url = await connect(user, "plex")
    servers = [await make_visitor() for _ in range(4)]
    answers = await asyncio.gather(*(send_plex(server, url, plex_payload()) for server in servers))
    assert [answer.status_code for answer in answers] == [200] * 4
    assert len(await diary_of(user)) == 1
    assert texts_of_class((await user.get("/watched")).text, "title") == ["Heat"]


async def test_watching_a_film_again_later_logs_a_rewatch(user, visitor, catalog, clock):
    url = await connect(user, "plex")
    await send_plex(visitor, url, plex_payload())
    clock.tick(11 * 60)
    answer = await send_plex(visitor, url, plex_payload())
    assert answer.text.startswith("Logged a rewatch on ")
    entries = await diary_of(user)
    assert len(entries) == 2
    assert "Rewatch" in entries[0] and "Rewatch" not in entries[1]


async def test_the_legacy_agents_guid_finds_the_film(user, visitor, catalog):
    url = await connect(user, "plex")
    payload = plex_payload(guid="com.plexapp.agents.imdb://tt0000102?lang=en", Guid=[], title="Heat", year=1986)
    await send_plex(visitor, url, payload)
    [entry] = await diary_of(user)
    assert "1986 · 101 min" in entry


async def test_without_an_imdb_id_the_title_and_year_find_the_film(user, visitor, catalog):
    url = await connect(user, "plex")
    payload = plex_payload(title="Heat", year=1986, Guid=[{"id": "tmdb://10117"}])
    await send_plex(visitor, url, payload)
    [entry] = await diary_of(user)
    assert "1986 · 101 min" in entry, "of the two Heats, the one of that year"


async def test_a_film_the_catalog_lacks_is_kept_by_title_and_year(user, visitor):
    url = await connect(user, "plex")
    payload = plex_payload(title="Le Samouraï", year=1967, Guid=[{"id": "imdb://tt0062229"}])
    answer = await send_plex(visitor, url, payload)
    assert answer.status_code == 200
    [entry] = await diary_of(user)
    assert "Le Samouraï" in entry and entry.endswith("1967"), "the year typed, no catalog details"
    again = await send_plex(visitor, url, plex_payload(title="Le Samouraï", year=1967, Guid=[]))
    assert again.text.startswith("Already logged"), "the same film, by its title and year"


async def test_a_rating_given_in_plex_rates_the_film_on_the_watched_list(user, visitor, catalog):
    url = await connect(user, "plex")
    await send_plex(visitor, url, plex_payload("media.scrobble"))
    rated = await send_plex(visitor, url, {**plex_payload("media.rate"), "rating": 7})
    assert rated.text == "Rated 3.5 stars."
    assert checked_rating((await user.get("/watched")).text) == "3.5", "Plex's 7 of 10 is 3.5 stars"
    await send_plex(visitor, url, {**plex_payload("media.rate"), "rating": 10})
    assert checked_rating((await user.get("/watched")).text) == "5"
    taken_away = await send_plex(visitor, url, {**plex_payload("media.rate"), "rating": -1})
    assert taken_away.text == "Rating taken away."
    assert checked_rating((await user.get("/watched")).text) is None


async def test_rating_a_film_not_on_the_watched_list_changes_nothing(user, visitor, catalog):
    url = await connect(user, "plex")
    answer = await send_plex(visitor, url, {**plex_payload("media.rate"), "rating": 8})
    assert answer.text == "Not rated: the film is not on your Watched list."
    assert texts_of_class((await user.get("/watched")).text, "title") == []
    assert await diary_of(user) == []


async def test_playing_pausing_and_stopping_log_nothing_but_are_shown(user, visitor, catalog):
    url = await connect(user, "plex")
    for event in ("media.play", "media.pause", "media.resume", "media.stop"):
        assert (await send_plex(visitor, url, plex_payload(event))).status_code == 200
    assert await diary_of(user) == []
    shown = await events_shown(user)
    assert len(shown) == 4
    assert shown[-1] == ("media.play", "Heat (1995)", "Playing; logged once watched past 90%.")


async def test_episodes_and_the_servers_own_events_are_answered_200_and_left_alone(user, visitor):
    url = await connect(user, "plex")
    episode = await send_plex(visitor, url, plex_episode())
    assert episode.status_code == 200
    assert episode.text == "Only films are logged, and this is an episode."
    new_in_library = await send_plex(visitor, url, {"event": "library.new", "Metadata": {"type": "show"}})
    assert new_in_library.status_code == 200
    assert await diary_of(user) == []
    assert texts_of_class((await user.get("/watched")).text, "title") == []


async def test_another_accounts_playback_sent_to_the_owners_webhook_is_left_alone(user, visitor, catalog):
    url = await connect(user, "plex")
    theirs = {**plex_payload("media.scrobble"), "user": False, "owner": True, "Account": {"id": 2, "title": "kid"}}
    answer = await send_plex(visitor, url, theirs)
    assert (answer.status_code, answer.text) == (200, "Played by another account (kid) on your server.")
    assert await diary_of(user) == []
