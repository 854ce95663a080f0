"""What a webhook lets in: only a live token of that server's, each account's only for
itself; a payload it cannot read is a 4xx with a short message and leaves no trace; a
webhook calling too often is held back; no session, no CSRF token, no login page involved."""

import json

import pytest
from media_server_calls import connect, diary_of, emby_payload, events_shown, jellyfin_payload, plex_payload, send_plex
from sqlalchemy import func, select
from support import PASSWORD, flashes, texts_of_class

from flicklist.app import PLEX_WEBHOOK_BYTES
from flicklist.features.media_servers import WEBHOOK_CALLS
from flicklist.tables import users, webhook_events


async def test_an_unknown_token_is_a_404_and_no_login_page(user, visitor):
    await connect(user, "plex")
    answer = await send_plex(visitor, "/webhooks/plex/not-a-token-anyone-has", plex_payload())
    assert answer.status_code == 404
    assert "revoked" in answer.text
    assert "set-cookie" not in answer.headers, "a webhook call is given no session"
    assert await diary_of(user) == []


async def test_a_token_works_only_at_its_own_servers_url(user, visitor):
    url = await connect(user, "jellyfin")
    token = url.rsplit("/", 1)[1]
    answer = await send_plex(visitor, f"/webhooks/plex/{token}", plex_payload())
    assert answer.status_code == 404
    assert (await visitor.client.post(f"/webhooks/kodi/{token}", json={})).status_code == 404
    assert await diary_of(user) == []


async def test_a_url_made_anew_or_revoked_stops_working_at_once(user, visitor):
    old = await connect(user, "emby")
    new = await connect(user, "emby")
    assert (await visitor.client.post(old, json=emby_payload())).status_code == 404
    assert (await visitor.client.post(new, json=emby_payload())).status_code == 200
    assert (await user.post("/account/media-servers/emby/revoke")).status_code == 303
    assert flashes((await user.get("/account/media-servers")).text) == ["The Emby URL is revoked: it does nothing now."]
    assert (await visitor.client.post(new, json=emby_payload(name="Dune", year=1984))).status_code == 404
    assert len(await diary_of(user)) == 1, "only the call made while the URL was live"


async def test_one_persons_webhook_never_touches_anothers_lists(user, make_visitor, visitor):
    bob = await make_visitor("198.51.100.2")
    await bob.register("bob@example.com")
    await bob.add("Heat (1995)")
    ann_url = await connect(user, "plex")
    bob_url = await connect(bob, "plex")
    await send_plex(visitor, ann_url, plex_payload())
    assert len(await diary_of(user)) == 1
    assert await diary_of(bob) == []
    assert texts_of_class((await bob.get("/")).text, "title") == ["Heat (1995)"], "still on Bob's watchlist"
    assert await events_shown(bob) == [], "Ann's events are not on Bob's page"
    await send_plex(visitor, bob_url, plex_payload("media.pause"))
    assert [event for event, *_ in await events_shown(user)] == ["media.scrobble"]


BAD_PAYLOADS = {
    "not JSON": (b"event=media.scrobble", "application/json", "The payload is not JSON."),
    "not UTF-8": (b'{"event": "\xff"}', "application/json", "The payload is not JSON."),
    "a JSON list": (b"[1, 2]", "application/json", "The payload is not a JSON object."),
    "nested to the bottom": (b"[" * 50_000, "application/json", "The payload is not JSON."),
    "unknown event": (json.dumps(plex_payload("media.explode")).encode(), "application/json", "Unknown event"),
    "no event": (json.dumps({"Metadata": {}}).encode(), "application/json", "The payload has no event."),
    "no Metadata": (json.dumps({"event": "media.scrobble"}).encode(), "application/json", "Metadata is not"),
    "a name id for a film": (
        json.dumps(plex_payload(Guid=[{"id": "imdb://nm0000158"}])).encode(),
        "application/json",
        "is not an IMDb id",
    ),
    "a year that is no year": (json.dumps(plex_payload(year="soon")).encode(), "application/json", "not a year"),
    "no title": (json.dumps(plex_payload(title="")).encode(), "application/json", "the film has no title"),
    "a rating of 11": (
        json.dumps({**plex_payload("media.rate"), "rating": 11}).encode(),
        "application/json",
        "not a number from 0 to 10",
    ),
    "a form without its payload": (b"thumb=x", "application/x-www-form-urlencoded", "no payload field"),
    "a form that is not UTF-8": (b"payload=\xff%FF", "application/x-www-form-urlencoded", "The form"),
    "a form escaping what is not UTF-8": (b"payload=%FF", "application/x-www-form-urlencoded", "The form"),
    "a broken multipart form": (b"--x\r\nnonsense", "multipart/form-data; boundary=x", "The form"),
}


@pytest.mark.parametrize("body, content_type, message", BAD_PAYLOADS.values(), ids=BAD_PAYLOADS.keys())
async def test_a_payload_that_cannot_be_read_is_a_400_and_leaves_no_trace(user, visitor, body, content_type, message):
    url = await connect(user, "plex")
    answer = await visitor.client.post(url, content=body, headers={"Content-Type": content_type})
    assert answer.status_code == 400
    assert message in answer.text
    assert await diary_of(user) == []
    assert await events_shown(user) == []


async def test_bad_payloads_from_jellyfin_and_emby_are_400s_too(user, visitor):
    jellyfin = await connect(user, "jellyfin")
    emby = await connect(user, "emby")
    unknown = await visitor.client.post(jellyfin, json={"NotificationType": "PlaybackExploded", "ItemType": "Movie"})
    assert unknown.status_code == 400 and "Unknown NotificationType" in unknown.text
    bad_id = await visitor.client.post(jellyfin, json=jellyfin_payload(Provider_imdb="12345"))
    assert bad_id.status_code == 400 and "is not an IMDb id" in bad_id.text
    no_item = await visitor.client.post(emby, json={"Event": "playback.stop"})
    assert no_item.status_code == 400 and "Item is not a JSON object." in no_item.text
    unknown_event = await visitor.client.post(emby, json=emby_payload("playback.rewind"))
    assert unknown_event.status_code == 400
    no_data = await visitor.client.post(emby, data={"payload": "{}"})
    assert no_data.status_code == 400 and "no data field" in no_data.text
    assert await diary_of(user) == [] and await events_shown(user) == []


async def test_a_body_past_the_limit_is_a_413_in_a_line_of_text(user, visitor, settings):
    jellyfin = await connect(user, "jellyfin")
    answer = await visitor.client.post(jellyfin, json=jellyfin_payload(Overview="x" * settings.max_body_bytes))
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.text == "That form is too large to accept."
    wrong_method = await visitor.client.get(jellyfin)
    assert wrong_method.status_code == 405 and wrong_method.headers["content-type"].startswith("text/plain")
    plex = await connect(user, "plex")
    answer = await send_plex(visitor, plex, plex_payload(summary="x" * PLEX_WEBHOOK_BYTES))
    assert answer.status_code == 413 and "at most 1 MB" in answer.text
    assert await diary_of(user) == [] and await events_shown(user) == []


async def test_a_plex_rating_comes_with_a_poster_larger_than_a_form_may_be(user, visitor, settings):
    url = await connect(user, "plex")
    await send_plex(visitor, url, plex_payload())
    poster = b"\xff\xd8\xff\xe0" + b"\x00" * (4 * settings.max_body_bytes) + b"\xff\xd9"
    files = {"thumb": ("thumb.jpg", poster, "image/jpeg")}
    payload = {"payload": json.dumps({**plex_payload("media.rate"), "rating": 9})}
    answer = await visitor.client.post(url, data=payload, files=files)
    assert answer.status_code == 200 and answer.text == "Rated 4.5 stars."


async def test_a_webhook_calling_too_often_is_held_back_and_others_are_not(user, make_visitor, visitor, clock):
    bob = await make_visitor("198.51.100.2")
    await bob.register("bob@example.com")
    ann_url = await connect(user, "jellyfin")
    bob_url = await connect(bob, "jellyfin")
    clock.now -= clock.now % 60  # the start of a minute
    progress = {"NotificationType": "PlaybackProgress", "ItemType": "Movie", "Name": "Heat"}
    for _ in range(WEBHOOK_CALLS.free_failures + 1):
        assert (await visitor.client.post(ann_url, json=progress)).status_code == 200
    held_back = await visitor.client.post(ann_url, json=jellyfin_payload())
    assert held_back.status_code == 429
    assert 0 < int(held_back.headers["retry-after"]) <= 60
    assert await diary_of(user) == [], "the held-back call did nothing"
    assert (await visitor.client.post(bob_url, json=jellyfin_payload())).status_code == 200, "Bob's is his own"
    clock.tick(60)
    assert (await visitor.client.post(ann_url, json=jellyfin_payload())).status_code == 200, "a minute later"
    assert len(await diary_of(user)) == 1


async def test_a_disabled_accounts_webhook_and_feeds_stop_working(app, user, make_visitor, visitor):
    bob = await make_visitor("198.51.100.2")
    await bob.register("bob@example.com")
    webhook, feed = await connect(bob, "plex"), await connect(bob, "rss")
    async with app.state.db.engine.connect() as connection:
        bob_id = (await connection.execute(select(users.c.id).where(users.c.email == "bob@example.com"))).scalar_one()
    await user.post("/admin/confirm", {"password": PASSWORD})
    assert (await user.post(f"/admin/users/{bob_id}/disable")).headers["location"] == "/admin#accounts"
    assert (await send_plex(visitor, webhook, plex_payload())).status_code == 404
    assert (await visitor.client.get(feed)).status_code == 404


async def test_an_account_deleted_takes_its_urls_and_their_events_with_it(app, user, make_visitor, visitor):
    bob = await make_visitor("198.51.100.2")
    await bob.register("bob@example.com")
    webhook, feed = await connect(bob, "emby"), await connect(bob, "radarr")
    assert (await visitor.client.post(webhook, json=emby_payload())).status_code == 200
    assert (await bob.post("/account/delete", {"confirm": PASSWORD})).headers["location"] == "/register"
    assert (await visitor.client.post(webhook, json=emby_payload())).status_code == 404
    assert (await visitor.client.get(feed)).status_code == 404
    async with app.state.db.engine.connect() as connection:
        assert (await connection.execute(select(func.count()).select_from(webhook_events))).scalar_one() == 0
