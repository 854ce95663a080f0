"""Every friends' route tried by each account that is not a friend: a stranger, one whose request
is still waiting, one whose request was declined, and one who was blocked. None of them sees
Bob's activity, his film's take, his shared list or its nights, nor changes any of them."""

import re
from datetime import date, timedelta

import pytest
from support import profile_named, text_of

NIGHT = date.today() + timedelta(days=30)


@pytest.fixture
async def bob_and_others(make_visitor):
    """Bob, with a film watched and reviewed, a list shared with Ann (his friend) and a film night
    on it; and four accounts that are not his friends, each as its name says."""
    bob = await make_visitor()
    await bob.register("bob@example.com")
    await profile_named(bob, "bobby", "diary", "watchlist")
    await bob.add("Secret Heat")
    await bob.post(f"/movies/{await bob.movie_id('Secret Heat')}/log", {"watched_on": "2026-12-01", "review": "Hush."})
    others = {}
    for name in ("ann", "stranger", "pending", "declined", "blocked"):
        others[name] = await make_visitor()
        await others[name].register(f"{name}@example.com")
        await profile_named(others[name], name, "diary", "watchlist")
    for name in ("ann", "pending", "declined", "blocked"):
        await others[name].post("/friends/follow", {"who": "bobby"})
    page = (await bob.get("/friends")).text
    for name, action in (("ann", "accept"), ("declined", "decline"), ("blocked", "block")):
        follow_id = re.search(rf"{name}</strong>.*?action=\"/friends/(\d+)/{action}\"", page, re.S)[1]
        assert (await bob.post(f"/friends/{follow_id}/{action}")).status_code == 303
    made = await bob.post("/lists", {"name": "Secret club", "description": ""})
    list_id = made.headers["location"].rsplit("/", 1)[1]
    await bob.post(f"/lists/{list_id}/films", {"title": "Secret Heat"})
    ann_id = re.search(r'name="editor" value="(\d+)"> ann', (await bob.get(f"/lists/{list_id}")).text)[1]
    await bob.post(f"/lists/{list_id}/editors", {"editor": ann_id})
    entry = re.search(r'id="entry-(\d+)"', (await bob.get(f"/lists/{list_id}")).text)[1]
    assert (await bob.post(f"/lists/{list_id}/nights", {"entry": entry, "on": NIGHT.isoformat()})).status_code == 303
    night = re.search(r"/nights/(\d+)/cancel", (await bob.get(f"/lists/{list_id}")).text)[1]
    return bob, others, list_id, entry, night


@pytest.mark.parametrize("who", ["stranger", "pending", "declined", "blocked"])
async def test_no_one_but_a_friend_sees_or_changes_anything_of_bobs(bob_and_others, who):
    bob, others, list_id, entry, night = bob_and_others
    visitor = others[who]
    friends_page = text_of((await visitor.get("/friends")).text)
    assert "Secret Heat" not in friends_page and "Hush." not in friends_page and "bob@example.com" not in friends_page
    assert "Secret club" not in text_of((await visitor.get("/lists")).text)
    for path in (f"/lists/{list_id}", f"/lists/{list_id}/pick"):
        assert (await visitor.get(path)).status_code == 404, path
    for path, fields in (
        (f"/lists/{list_id}/films", {"title": "Intruder"}),
        (f"/lists/{list_id}/entries/{entry}/remove", {}),
        (f"/lists/{list_id}/entries/{entry}/move", {"to": "down"}),
        (f"/lists/{list_id}/entries/{entry}/note", {"note": "mine"}),
        (f"/lists/{list_id}/editors", {"editor": "1"}),
        (f"/lists/{list_id}/nights", {"entry": entry, "on": NIGHT.isoformat()}),
        (f"/lists/{list_id}/nights/{night}/cancel", {}),
    ):
        assert (await visitor.post(path, fields)).status_code == 404, path
    await visitor.post("/account/media-servers/calendar/new")
    calendar = re.search(r"(/feeds/nights/[^\"<\s]+\.ics)", (await visitor.get("/account/media-servers")).text)[1]
    assert "Secret" not in (await visitor.get(calendar)).text
    await visitor.add("Anything")
    log_form = text_of((await visitor.get(f"/movies/{await visitor.movie_id('Anything')}/log")).text)
    assert "bobby" not in log_form, "not a friend to name as watched with"
    bobs_page = text_of((await bob.get(f"/lists/{list_id}")).text)
    assert "Intruder" not in bobs_page and "mine" not in bobs_page and f"{NIGHT:%-d %b %Y}" in bobs_page


async def test_the_friend_sees_what_bob_shares(bob_and_others):
    _, others, list_id, _, _ = bob_and_others
    ann = others["ann"]
    assert "bobby watched Secret Heat" in text_of((await ann.get("/friends")).text)
    assert "Secret club by bobby" in text_of((await ann.get("/lists")).text)
    assert (await ann.get(f"/lists/{list_id}")).status_code == 200
