"""The feeds: the watchlist as Radarr's StevenLu Custom list reads it (title and IMDb id,
Radarr's StevenLuParser), and the diary as RSS 2.0; each behind its own token URL, made,
made anew and revoked on the Connect a media server page, and each person's own."""

from email.utils import parsedate_to_datetime
from xml.etree import ElementTree

from media_server_calls import connect


async def test_radarr_reads_the_watchlist_films_it_can_tell_apart(user, visitor, catalog):
    await user.add("Heat (1995)")
    await user.add("Dune (1984)")
    await user.add("A film of my own")
    await user.post(f"/movies/{await user.movie_id('Dune')}/watched")
    url = await connect(user, "radarr")
    answer = await visitor.client.get(url)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == [{"title": "Heat", "imdb_id": "tt0000101", "poster_url": None}], (
        "Dune is watched already; the typed film has no IMDb id for Radarr to go by"
    )
    assert "set-cookie" not in answer.headers
    assert "no-store" in answer.headers["cache-control"]


async def test_the_diary_feed_is_rss_2_of_the_newest_viewings(user, visitor, catalog):
    await user.add("Heat (1995)")
    movie_id = await user.movie_id("Heat")
    fields = {"watched_on": "2026-11-25", "rating": "4", "rewatch": "", "review": "Still great.", "tags": ""}
    assert (await user.post(f"/movies/{movie_id}/log", fields)).status_code == 303
    again = {**fields, "watched_on": "2026-12-01", "rating": "", "rewatch": "on"}
    await user.post(f"/movies/{movie_id}/log", again)
    url = await connect(user, "rss")
    assert url.endswith(".rss")
    answer = await visitor.client.get(url)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/rss+xml")
    rss = ElementTree.fromstring(answer.content)
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    channel = rss.find("channel")
    assert channel.findtext("title") == "FlickList diary"
    assert channel.findtext("link") == "http://testserver/diary"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Heat", "Heat"]
    newest, first = items
    assert newest.findtext("description") == "1995 · 170 min · Action, Crime, Drama; watched 1 Dec 2026; a rewatch."
    assert first.findtext("description") == "1995 · 170 min · Action, Crime, Drama; watched 25 Nov 2026; 4 stars."
    assert parsedate_to_datetime(first.findtext("pubDate")).date().isoformat() == "2026-11-25"
    assert first.findtext("link") == f"http://testserver/films/{catalog['tt0000101']}"
    assert first.find("guid").get("isPermaLink") == "false"
    assert len({item.findtext("guid") for item in items}) == 2
    assert "Still great" not in answer.text, "reviews stay out of a feed"


async def test_a_feed_answers_404_for_a_wrong_revoked_or_replaced_token(user, visitor):
    radarr = await connect(user, "radarr")
    rss = await connect(user, "rss")
    assert (await visitor.client.get("/feeds/radarr/nobodys-token")).status_code == 404
    assert (
        await visitor.client.get(rss.replace("/feeds/diary/", "/feeds/radarr/").removesuffix(".rss"))
    ).status_code == 404
    new_radarr = await connect(user, "radarr")
    assert (await visitor.client.get(radarr)).status_code == 404
    assert (await visitor.client.get(new_radarr)).status_code == 200
    await user.post("/account/media-servers/rss/revoke")
    assert (await visitor.client.get(rss)).status_code == 404


async def test_each_feed_shows_only_its_owners_films(user, make_visitor, visitor):
    bob = await make_visitor("198.51.100.2")
    await bob.register("bob@example.com")
    viewing = {"watched_on": "2026-11-25", "rating": "", "rewatch": "", "review": "", "tags": ""}
    for person, title in ((user, "A film of Anns choosing"), (bob, "Bobs secret film")):
        await person.add(title)
        assert (await person.post(f"/movies/{await person.movie_id(title)}/log", viewing)).status_code == 303
    ann_feed = (await visitor.client.get(await connect(user, "rss"))).text
    bob_feed = (await visitor.client.get(await connect(bob, "rss"))).text
    assert "A film of Anns choosing" in ann_feed and "Bobs secret film" not in ann_feed
    assert "Bobs secret film" in bob_feed and "A film of Anns choosing" not in bob_feed
