"""Emby's webhooks: JSON, or a form with the JSON in `data`. A film played to the end or
marked played is logged; Emby's test notification is answered and shown; the rest changes
nothing."""

import json

from media_server_calls import connect, diary_of, emby_payload, events_shown


async def test_a_film_played_to_the_end_is_logged_from_json(user, visitor, catalog):
    url = await connect(user, "emby")
    answer = await visitor.client.post(url, json=emby_payload("playback.stop"))
    assert answer.status_code == 200
    assert answer.text.startswith("Added to your Watched list")
    [entry] = await diary_of(user)
    assert "1995 · 170 min" in entry


async def test_the_json_may_come_in_a_forms_data_field(user, visitor, catalog):
    url = await connect(user, "emby")
    multipart = await visitor.client.post(url, files={"data": (None, json.dumps(emby_payload("playback.stop")))})
    assert multipart.text.startswith("Added to your Watched list")
    dune = emby_payload("item.markplayed", name="Dune", year=1984, ProviderIds={"Imdb": "tt0000107"})
    urlencoded = await visitor.client.post(url, data={"data": json.dumps(dune)})
    assert urlencoded.text.startswith("Added to your Watched list")
    assert len(await diary_of(user)) == 2


async def test_a_title_beyond_ascii_comes_through_a_url_encoded_form(user, visitor, catalog):
    url = await connect(user, "emby")
    amelie = emby_payload("item.markplayed", name="Le Fabuleux Destin d'Amélie Poulain", year=2001, ProviderIds={})
    answer = await visitor.client.post(url, data={"data": json.dumps(amelie, ensure_ascii=False)})
    assert answer.status_code == 200
    assert "Amélie" in " ".join(await diary_of(user))


async def test_without_an_imdb_id_the_name_and_production_year_find_the_film(user, visitor, catalog):
    url = await connect(user, "emby")
    payload = emby_payload("playback.stop", year=1986, ProviderIds={"Tmdb": "10117"})
    await visitor.client.post(url, json=payload)
    [entry] = await diary_of(user)
    assert "1986 · 101 min" in entry


async def test_a_film_stopped_early_is_not_logged(user, visitor, catalog):
    url = await connect(user, "emby")
    payload = emby_payload("playback.stop")
    payload["PlaybackInfo"]["PlayedToCompletion"] = False
    answer = await visitor.client.post(url, json=payload)
    assert (answer.status_code, answer.text) == (200, "Stopped before the end.")
    assert await diary_of(user) == []


async def test_embys_test_notification_is_answered_and_shown(user, visitor):
    url = await connect(user, "emby")
    test = {
        "Title": "Test Notification",
        "Description": "Test Notification Description",
        "Event": "system.notificationtest",
    }
    answer = await visitor.client.post(url, json=test)
    assert (answer.status_code, answer.text) == (200, "A test from Emby: this URL works.")
    assert await events_shown(user) == [("system.notificationtest", "", "A test from Emby: this URL works.")]


async def test_episodes_and_playback_starts_are_answered_200_and_left_alone(user, visitor):
    url = await connect(user, "emby")
    episode = emby_payload("playback.stop", name="Pilot", Type="Episode", SeriesName="Breaking Bad")
    assert (await visitor.client.post(url, json=episode)).text == "Only films are logged, and this is an episode."
    assert (await visitor.client.post(url, json=emby_payload("playback.start"))).status_code == 200
    assert (
        await visitor.client.post(url, json={"Event": "library.new", "Item": {"Type": "Series"}})
    ).status_code == 200
    assert await diary_of(user) == []
