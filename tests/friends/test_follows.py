"""Following on one instance: a request the other person accepts or declines, either side
ending it, blocks, the profile name others know a person by, and every route tried by someone
it is not for (a stranger, the requester, a declined or blocked account)."""

import re

import pytest
from support import profile_named, text_of

from flicklist.friends.store import REQUESTS_PER_HOUR


@pytest.fixture
async def bob(make_visitor):
    bob = await make_visitor()
    await bob.register("bob@example.com")
    return bob


def follow_ids(page: str, action: str) -> list[str]:
    return re.findall(rf'action="/friends/(\d+)/{action}"', page)


async def test_a_request_is_seen_by_the_one_asked_who_accepts_it_and_either_side_ends_it(user, bob):
    await profile_named(user, "Annie", "diary")
    asked = await user.post("/friends/follow", {"who": "BOB@example.com"})
    assert asked.status_code == 303
    ann_page = text_of((await user.get("/friends")).text)
    assert "Asked. They see your request" in ann_page
    assert "Waiting for an answer bob@example.com" in ann_page, "what she typed, which she knew"

    bob_page = await bob.get("/friends")
    assert "Asking to follow you Annie" in text_of(bob_page.text) and "ann@example.com" not in bob_page.text
    (request_id,) = follow_ids(bob_page.text, "accept")
    assert (await bob.post(f"/friends/{request_id}/accept")).status_code == 303
    bob_page = text_of((await bob.get("/friends")).text)
    assert "Accepted: they follow you now." in bob_page and "Follow you Annie" in bob_page
    ann_page = text_of((await user.get("/friends")).text)
    assert "You follow bob@example.com" in ann_page and "Waiting for an answer" not in ann_page

    assert (await bob.post(f"/friends/{request_id}/end")).status_code == 303, "a follower removed"
    assert "You follow No one yet." in text_of((await user.get("/friends")).text)
    assert "Follow you No one yet." in text_of((await bob.get("/friends")).text)


async def test_an_address_is_shown_only_to_someone_its_account_accepted(user, bob, make_visitor):
    await profile_named(user, "Annie", "diary")
    await profile_named(bob, "bobby", "diary")
    carol = await make_visitor()
    await carol.register("carol@example.com")
    await profile_named(carol, "carol", "diary")
    await carol.post("/friends/follow", {"who": "annie"})
    carol_page = (await carol.get("/friends")).text
    assert "Waiting for an answer annie" in text_of(carol_page) and "ann@example.com" not in carol_page
    ann_page = (await user.get("/friends")).text
    assert "Asking to follow you carol" in text_of(ann_page) and "carol@example.com" not in ann_page
    await user.post(f"/friends/{follow_ids(ann_page, 'accept')[0]}/accept")
    assert "You follow Annie" in text_of((await carol.get("/friends")).text), "a profile name first"
    assert "carol@example.com" not in (await user.get("/friends")).text


async def test_asking_needs_a_profile_name_and_says_when_no_one_has_the_name_or_address(user, bob):
    first = await user.post("/friends/follow", {"who": "bob@example.com"})
    assert first.status_code == 303
    assert "Choose a profile name in your account settings first" in text_of((await user.get("/friends")).text)
    assert "Asking to follow you" not in text_of((await bob.get("/friends")).text)
    await profile_named(user, "Annie", "diary")
    for who, said in (
        ("nobody@example.com", "No one on this FlickList has that address or profile name."),
        ("not an address@", "No one on this FlickList has that address or profile name."),
        ("", "Type the address or the profile name of the person to follow."),
        ("ANNIE", "That is you."),
        ("ann@example.com", "That is you."),
    ):
        refused = await user.post("/friends/follow", {"who": who}, htmx=True)
        assert refused.status_code == 422 and said in text_of(refused.text), who


async def test_a_declined_request_looks_waiting_to_its_sender_and_is_not_asked_again(user, bob):
    await profile_named(user, "Annie", "diary")
    await user.post("/friends/follow", {"who": "bob@example.com"})
    (request_id,) = follow_ids((await bob.get("/friends")).text, "decline")
    assert (await bob.post(f"/friends/{request_id}/decline")).status_code == 303
    assert "Asking to follow you" not in text_of((await bob.get("/friends")).text)
    assert "Waiting for an answer bob@example.com" in text_of((await user.get("/friends")).text)
    again = await user.post("/friends/follow", {"who": "bob@example.com"}, htmx=True)
    assert again.status_code == 200 and "Asked." in text_of(again.text)
    assert "Asking to follow you" not in text_of((await bob.get("/friends")).text)
    assert (await bob.post(f"/friends/{request_id}/accept")).status_code == 404, "declined is declined"


async def test_a_block_ends_both_follows_and_stops_requests_until_lifted(user, bob):
    await profile_named(user, "Annie", "diary")
    await profile_named(bob, "bobby", "diary")
    await bob.post("/friends/follow", {"who": "annie"})
    (theirs,) = follow_ids((await user.get("/friends")).text, "accept")
    await user.post(f"/friends/{theirs}/accept")
    await user.post("/friends/follow", {"who": "bobby"})
    (mine,) = follow_ids((await bob.get("/friends")).text, "accept")
    assert (await bob.post(f"/friends/{mine}/block")).status_code == 303
    bob_page = text_of((await bob.get("/friends")).text)
    assert "Blocked bobby" not in bob_page and "Blocked Annie" in bob_page
    assert "You follow No one yet." in bob_page and "Follow you No one yet." in bob_page
    ann_page = text_of((await user.get("/friends")).text)
    assert "You follow No one yet." in ann_page and "Follow you No one yet." in ann_page
    refused = await user.post("/friends/follow", {"who": "bobby"}, htmx=True)
    assert refused.status_code == 422 and "That account takes no requests from you." in text_of(refused.text)
    assert "Asking to follow you" not in text_of((await bob.get("/friends")).text)
    own_block = await bob.post("/friends/follow", {"who": "annie"}, htmx=True)
    assert "You blocked that account. Unblock it first" in text_of(own_block.text)

    blocked_id = re.findall(r'action="/friends/blocked/(\d+)/unblock"', (await bob.get("/friends")).text)[0]
    assert (await user.post(f"/friends/blocked/{blocked_id}/unblock")).status_code == 404, "not hers to lift"
    assert (await bob.post(f"/friends/blocked/{blocked_id}/unblock")).status_code == 303
    assert (await user.post("/friends/follow", {"who": "bobby"})).status_code == 303
    assert "Asking to follow you Annie" in text_of((await bob.get("/friends")).text)


async def test_each_button_is_refused_to_anyone_it_is_not_for_and_changes_nothing(user, bob, make_visitor):
    await profile_named(user, "Annie", "diary")
    await user.post("/friends/follow", {"who": "bob@example.com"})
    (request_id,) = follow_ids((await bob.get("/friends")).text, "accept")
    stranger = await make_visitor()
    await stranger.register("dave@example.com")
    for visitor, action in (
        (stranger, "accept"),
        (stranger, "decline"),
        (stranger, "end"),
        (stranger, "block"),
        (user, "accept"),
        (user, "decline"),
    ):
        refused = await visitor.post(f"/friends/{request_id}/{action}")
        assert refused.status_code == 404, (visitor, action)
    assert (await stranger.post("/friends/999999/accept")).status_code == 404
    assert "Asking to follow you Annie" in text_of((await bob.get("/friends")).text), "still waiting"
    assert "Blocked" not in text_of((await stranger.get("/friends")).text)


async def test_asking_is_limited_per_hour(user, make_visitor):
    await profile_named(user, "Annie", "diary")
    for n in range(REQUESTS_PER_HOUR):
        await user.post("/friends/follow", {"who": f"nobody{n}@example.com"})
    refused = await user.post("/friends/follow", {"who": "nobody@example.com"})
    assert refused.status_code == 429 and "asked to follow many people this hour" in text_of(refused.text)
    assert int(refused.headers["Retry-After"]) > 3000


async def test_a_profile_name_is_one_persons_whatever_its_case_and_follows_the_rule(user, bob):
    await profile_named(user, "Annie", "diary")
    await profile_named(bob, "ANNIE", "diary")
    assert "Someone on this FlickList has that profile name already." in text_of((await bob.get("/account")).text)
    cyrillic_a = "\N{CYRILLIC CAPITAL LETTER A}"
    for bad in ("a", "has space", "x" * 41, "<b>", f"{cyrillic_a}nnie", "Ánnie", "..", "-_"):
        await bob.post("/account/profile", {"profile_name": bad})
        assert "A profile name is 2 to 40 of the letters a to z" in text_of((await bob.get("/account")).text), bad
    await profile_named(bob, "bobby", "diary", "watchlist")
    shown = text_of((await bob.get("/friends")).text)
    assert "Others find you as bobby" in shown and "see your diary and ratings, your watchlist and lists." in shown


async def test_with_htmx_each_button_answers_with_the_friends_part(user, bob):
    await profile_named(user, "Annie", "diary")
    asked = await user.post("/friends/follow", {"who": "bob@example.com"}, htmx=True)
    assert asked.text.startswith('<div id="friends">') and 'hx-swap-oob="innerHTML"' in asked.text
    (request_id,) = follow_ids((await bob.get("/friends")).text, "accept")
    accepted = await bob.post(f"/friends/{request_id}/accept", htmx=True)
    assert "Follow you Annie" in text_of(accepted.text) and "<html" not in accepted.text
