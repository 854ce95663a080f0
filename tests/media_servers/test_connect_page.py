"""The Connect a media server page, reached from the account page: each URL shown once when
made, as text to select and with a copy button for scripts; made anew or revoked by a form;
the last events received, only the newest kept; behind the login wall and CSRF."""

import re

from media_server_calls import connect, events_shown, plex_payload, send_plex
from support import flashes, texts_of_class

from flicklist.media_servers.watches import EVENTS_KEPT


async def test_the_account_page_leads_to_the_page_with_each_server_and_feed(user):
    account = (await user.get("/account")).text
    assert 'href="/account/media-servers"' in account
    page = (await user.get("/account/media-servers")).text
    headings = re.findall(r'<h2 id="[a-z]+-heading">([^<]+)</h2>', page)
    assert headings == ["Plex", "Jellyfin", "Emby", "Radarr list", "Diary feed (RSS)", "Film nights (calendar)"]
    assert texts_of_class(page, "connection-state") == ["No URL yet."] * 6


async def test_a_new_url_is_shown_once_as_text_with_a_copy_button(user):
    answer = await user.post("/account/media-servers/plex/new")
    assert answer.headers["location"] == "/account/media-servers#plex"
    page = (await user.get("/account/media-servers")).text
    assert flashes(page) == ["New Plex URL made. Copy it now: it is shown only once."]
    url = re.search(r'<code class="secret" id="plex-url">([^<]+)</code>', page).group(1)
    assert re.fullmatch(r"http://testserver/webhooks/plex/[A-Za-z0-9_-]{22}", url)
    assert 'data-copy="plex-url" hidden>' in page, "the copy button waits for its script"
    assert '<script src="/static/copy.js" defer></script>' in page
    later = (await user.get("/account/media-servers")).text
    assert url not in later
    state = texts_of_class(later, "connection-state")[0]
    assert re.fullmatch(r"URL made \d{1,2} [A-Z][a-z]{2} \d{4}; not used yet\.", state)


async def test_a_url_used_says_when_it_was_last_used(user, visitor):
    url = await connect(user, "plex")
    await send_plex(visitor, url, plex_payload("media.pause"))
    state = texts_of_class((await user.get("/account/media-servers")).text, "connection-state")[0]
    assert "last used" in state and state.endswith("UTC.")


async def test_only_the_newest_events_are_kept(user, visitor):
    url = await connect(user, "plex")
    for minute in range(EVENTS_KEPT + 5):
        await send_plex(visitor, url, plex_payload("media.pause", title=f"Film {minute}", year=2000))
    shown = await events_shown(user)
    assert len(shown) == EVENTS_KEPT
    assert shown[0][1] == f"Film {EVENTS_KEPT + 4} (2000)" and shown[-1][1] == "Film 5 (2000)"


async def test_the_page_and_its_forms_are_behind_the_login_wall_and_csrf(visitor, user):
    page = await visitor.client.get("/account/media-servers")
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    forged = await user.client.post("/account/media-servers/plex/new", data={"csrf_token": "forged"})
    assert forged.status_code == 403
    assert texts_of_class((await user.get("/account/media-servers")).text, "connection-state")[0] == "No URL yet."


async def test_an_unknown_kind_is_a_404(user):
    assert (await user.post("/account/media-servers/kodi/new")).status_code == 404
