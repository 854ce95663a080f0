"""Share links: a read-only view of one list for someone with no account, as it is whenever
opened; the owner's list of links with their use; revoking, replacing, expiry; what a
visitor's page holds and what it never does."""

import re

import pytest
from support import flashes, text_of, texts_of_class


async def make_link(owner, list_name: str = "watchlist", name: str = "Ann's films", **fields) -> str:
    answer = await owner.post("/share", {"list": list_name, "name": name, "expires": "", **fields})
    assert answer.headers["location"] == f"/share?list={list_name}", answer.text
    page = (await owner.get(f"/share?list={list_name}")).text
    match = re.search(r'<code class="secret">http://testserver(/s/[^<]+)</code>', page)
    assert match, "the new link is on the page"
    assert match.group(1) not in (await owner.get("/share")).text, "shown only once"
    return match.group(1)


@pytest.fixture
async def stranger(make_visitor):
    """Someone with no account, and no cookie."""
    return await make_visitor("203.0.113.7")


async def test_a_visitor_sees_the_list_as_it_is_now_and_nothing_personal(user, stranger):
    await user.add("Heat")
    link = await make_link(user)
    await user.add("Alien")
    page = await stranger.client.get(link)
    assert page.status_code == 200
    assert texts_of_class(page.text, "title") == ["Alien", "Heat"], "what was added after the link, too"
    assert "Ann's films" in text_of(page.text)
    assert "ann@example.com" not in page.text
    assert not re.search(r'<form[^>]*method="post"', page.text), "no control that changes anything"
    assert "I watched it!" not in page.text and "Delete" not in page.text
    assert page.headers["x-robots-tag"] == "noindex, nofollow"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "set-cookie" not in page.headers and not stranger.client.cookies, "no session cookie for a visitor"


async def test_the_watched_list_shows_ratings_and_reviews_only_when_included(user, stranger):
    await user.add("Heat")
    movie_id = await user.movie_id("Heat")
    await user.post(f"/movies/{movie_id}/log", {"watched_on": "2025-03-01", "rating": "4.5", "review": "The bank!"})
    without = await make_link(user, "watched", "Without reviews")
    with_reviews = await make_link(user, "watched", "With reviews", reviews="on")
    plain = text_of((await stranger.client.get(without)).text)
    assert "Heat" in plain and "watched 1 Mar 2025" in plain and "The bank!" not in plain
    assert 'aria-label="rated 4.5 stars"' in (await stranger.client.get(without)).text
    assert "The bank!" in text_of((await stranger.client.get(with_reviews)).text)


async def test_a_shared_diary_lists_viewings_with_reviews_only_when_included(user, stranger):
    await user.add("Heat")
    movie_id = await user.movie_id("Heat")
    for day, review in (("2025-03-01", "First time."), ("2025-06-01", "")):
        await user.post(f"/movies/{movie_id}/log", {"watched_on": day, "review": review})
    without, with_reviews = await make_link(user, "diary", "Diary"), await make_link(user, "diary", "D", reviews="on")
    page = text_of((await stranger.client.get(without)).text)
    assert "June 2025" in page and "March 2025" in page and "First time." not in page
    assert "First time." in text_of((await stranger.client.get(with_reviews)).text)
    assert '<a class="title"' not in (await stranger.client.get(without)).text, "no links behind the login wall"


async def test_the_owner_sees_each_link_with_its_use_and_revokes_or_replaces_it(user, stranger, clock):
    link = await make_link(user)
    for _ in range(3):
        await stranger.client.get(link)
    await stranger.client.get(link + "?sort=title")
    row = texts_of_class((await user.get("/share")).text, "share-link")[0]
    assert row.startswith("Ann's films Watchlist") and "4 times" in row

    await user.post("/share/1/replace")
    new_link = re.search(r'<code class="secret">http://testserver(/s/[^<]+)</code>', (await user.get("/share")).text)
    assert (await stranger.client.get(link)).status_code == 404, "the old link opens nothing"
    assert (await stranger.client.get(new_link.group(1))).status_code == 200
    rows = texts_of_class((await user.get("/share")).text, "share-link")
    assert rows[0].startswith("Ann's films Watchlist") and "Revoked" in rows[1]

    await user.post("/share/2/revoke")
    assert (await stranger.client.get(new_link.group(1))).status_code == 404


async def test_an_expired_link_is_a_plain_404_like_one_that_never_existed(user, stranger, clock):
    answer = await user.post("/share", {"list": "watchlist", "name": "For a day", "expires": "1"})
    assert answer.status_code == 303
    link = re.search(r'<code class="secret">http://testserver(/s/[^<]+)</code>', (await user.get("/share")).text)
    assert (await stranger.client.get(link.group(1))).status_code == 200
    clock.tick(86400 + 1)
    expired = await stranger.client.get(link.group(1))
    never = await stranger.client.get("/s/99.nothing-like-a-real-secret")
    tampered = await stranger.client.get(link.group(1)[:-3] + "abc")
    assert expired.status_code == never.status_code == tampered.status_code == 404
    assert text_of(expired.text) == text_of(never.text)


async def test_a_shared_list_pages_and_sorts_like_the_owners_own(user, stranger):
    for number in range(60):
        await user.add(f"Film {number:02}")
    link = await make_link(user)
    first = await stranger.client.get(link)
    assert len(texts_of_class(first.text, "title")) == 50
    more = re.search(r'<a href="(/s/[^"]+)" hx-get', first.text).group(1)
    assert more.startswith(link + "?after=")
    second = await stranger.client.get(more.replace("&amp;", "&"))
    assert len(texts_of_class(second.text, "title")) == 10
    by_title = await stranger.client.get(link + "?sort=title")
    assert texts_of_class(by_title.text, "title")[:2] == ["Film 00", "Film 01"]
    assert (await stranger.client.get(link + "?sort=nonsense")).status_code == 400
    assert (await stranger.client.get(link + "?sort=rating")).status_code == 400, "a watchlist has no ratings"


async def test_views_are_limited_per_address(user, make_visitor):
    link = await make_link(user)
    visitor = await make_visitor("198.51.100.9")
    answers = [(await visitor.client.get(link)).status_code for _ in range(121)]
    assert answers[:120] == [200] * 120 and answers[120] == 429
    other = await make_visitor("198.51.100.10")
    assert (await other.client.get(link)).status_code == 200, "another address is not held back"


async def test_a_link_shows_posters_of_its_owners_films_only(user, make_visitor, stranger):
    await user.add("Heat")
    link = await make_link(user)
    heat = await user.movie_id("Heat")
    assert (await stranger.client.get(f"{link}/posters/{heat}")).status_code == 200
    bob = await make_visitor()
    await bob.register("bob@example.com")
    await bob.add("Bobs secret film")
    bobs = await bob.movie_id("Bobs secret film")
    assert (await stranger.client.get(f"{link}/posters/{bobs}")).status_code == 404


async def test_making_a_link_needs_a_name_and_the_share_page_is_behind_the_login_wall(user, stranger):
    refused = await user.post("/share", {"list": "watchlist", "name": " ", "expires": ""}, htmx=True)
    assert refused.status_code == 422 and "Give the link a name" in text_of(refused.text)
    assert (await stranger.client.get("/share")).headers["location"] == "/login?next=/share"
    assert flashes((await user.get("/share")).text) == []


async def test_a_link_to_the_watched_list_neither_shows_nor_filters_by_its_owners_likes(user, stranger):
    await user.add("Heat")
    movie_id = await user.movie_id("Heat")
    await user.post(f"/movies/{movie_id}/watched")
    await user.post(f"/movies/{movie_id}/like", {"liked": "yes"})
    link = await make_link(user, "watched", "Films I saw")
    page = (await stranger.client.get(link)).text
    assert texts_of_class(page, "title") == ["Heat"]
    assert 'name="liked"' not in page and "Liked" not in text_of(page)
    refused = await stranger.client.get(f"{link}?liked=yes")
    assert refused.status_code == 400 and "That list link is broken" in refused.text
