"""Film nights: a film of a list planned for a day from its pick, shown on the list's page to its
owner and editors, and in each one's calendar feed (iCalendar, a token URL) and no one else's."""

import re
from datetime import date, timedelta

from support import befriend, profile_named, text_of

from flicklist.feeds.nights_ics import escaped, folded


async def calendar_url(visitor) -> str:
    await visitor.post("/account/media-servers/calendar/new")
    return re.search(r"(/feeds/nights/[^\"<\s]+\.ics)", (await visitor.get("/account/media-servers")).text)[1]


async def test_a_night_planned_from_a_pick_is_on_the_list_and_in_each_editors_calendar(user, make_visitor):
    bob, carol = await make_visitor(), await make_visitor()
    await bob.register("bob@example.com")
    await carol.register("carol@example.com")
    for visitor, name in ((user, "Annie"), (bob, "bobby"), (carol, "carol")):
        await profile_named(visitor, name, "diary")
    await befriend(bob, user, "Annie")
    made = await user.post("/lists", {"name": "Film club, Fridays", "description": ""})
    list_id = made.headers["location"].rsplit("/", 1)[1]
    await user.post(f"/lists/{list_id}/films", {"title": "Heat"})
    bob_id = re.search(r'name="editor" value="(\d+)"> bobby', (await user.get(f"/lists/{list_id}")).text)[1]
    await user.post(f"/lists/{list_id}/editors", {"editor": bob_id})

    picked = (await bob.get(f"/lists/{list_id}/pick")).text
    entry = re.search(r'name="entry" value="(\d+)"', picked)[1]
    friday = (date.today() + timedelta(days=4)).isoformat()
    planned = await bob.post(f"/lists/{list_id}/nights", {"entry": entry, "on": friday})
    assert planned.status_code == 303
    await user.post(f"/lists/{list_id}/nights", {"entry": entry, "on": friday})
    assert "planned for" in text_of((await user.get(f"/lists/{list_id}")).text)
    page = text_of((await user.get(f"/lists/{list_id}")).text)
    assert f"Film nights {date.fromisoformat(friday):%-d %b %Y}: Heat planned by bobby" in page

    for visitor in (user, bob):
        feed = await visitor.get(await calendar_url(visitor))
        assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
        assert f"DTSTART;VALUE=DATE:{friday.replace('-', '')}\r\n" in feed.text
        assert feed.text.count("SUMMARY:Film night: Heat\r\n") == 1, "the same film the same day is one night"
        assert "Film club\\, Fridays" in feed.text
    carols = await carol.get(await calendar_url(carol))
    assert "BEGIN:VCALENDAR" in carols.text and "VEVENT" not in carols.text

    assert (await bob.post(f"/lists/{list_id}/nights", {"entry": entry, "on": "2001-01-01"})).status_code == 422
    assert (await bob.post(f"/lists/{list_id}/nights", {"entry": entry, "on": "Friday"})).status_code == 422
    assert (await carol.post(f"/lists/{list_id}/nights", {"entry": entry, "on": friday})).status_code == 404
    night = re.search(r"/nights/(\d+)/cancel", (await user.get(f"/lists/{list_id}")).text)[1]
    assert (await carol.post(f"/lists/{list_id}/nights/{night}/cancel")).status_code == 404
    assert (await bob.post(f"/lists/{list_id}/nights/{night}/cancel")).status_code == 303
    assert "VEVENT" not in (await user.get(await calendar_url(user))).text


def test_calendar_lines_are_escaped_and_folded_at_75_octets():
    line = "SUMMARY:" + escaped(
        "Film night: Amélie; or, the fabulous destiny\nof a very long title indeed, again and again"
    )
    assert "\\;" in line and "\\," in line and "\\n" in line
    parts = folded(line).split("\r\n")
    assert all(len(part.encode("utf-8")) <= 75 for part in parts)
    assert "".join(part[1:] if number else part for number, part in enumerate(parts)) == line
