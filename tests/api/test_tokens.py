"""API tokens on the account page: made with a name, shown once on the page that answers the
form, kept only as a hash, listed with when each was made and last used, and revocable."""

import hashlib
import re

from api_support import Program, make_token
from sqlalchemy import select
from support import flashes, text_of, texts_of_class

from flicklist.tables import account_tokens


async def test_the_account_page_offers_to_make_a_token(user):
    page = (await user.get("/account")).text
    assert "API tokens" in text_of(page)
    assert re.search(r'<form id="api-token-form" action="/account/api-tokens" method="post">', page)
    assert 'name="csrf_token"' in page.split('id="api-token-form"', 1)[1].split("</form>", 1)[0]


async def test_a_token_is_shown_once_in_code_and_kept_only_as_its_hash(user, app, visitor_of):
    answer = await user.post("/account/api-tokens", {"token_name": "Backup script"})
    assert answer.status_code == 303 and answer.headers["location"] == "/account/api-tokens"
    page = (await user.get("/account/api-tokens")).text
    [token] = re.findall(r'<code class="secret">([^<]+)</code>', page)
    assert len(token) >= 22, "128 random bits"
    assert "Copy it now: it is shown only once." in " ".join(flashes(page))
    again = (await user.get("/account/api-tokens")).text
    assert token not in again and '<code class="secret">' not in again
    assert token not in (await user.get("/account")).text
    async with app.state.db.engine.connect() as connection:
        rows = (await connection.execute(select(account_tokens))).mappings().all()
    assert [row["token_hash"] for row in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    assert all(token not in str(value) for row in rows for value in row.values())
    program = Program((await visitor_of(app)).client, token)
    assert (await program.get("/api/v1/watchlist")).status_code == 200


async def test_tokens_are_listed_with_when_made_and_last_used(user, app, visitor_of):
    await make_token(user, "Phone")
    token = await make_token(user, "Laptop")
    rows = texts_of_class((await user.get("/account/api-tokens")).text, "api-token")
    assert [row.split(" ")[0] for row in rows] == ["Laptop", "Phone"]
    assert all("never" in row for row in rows)
    await Program((await visitor_of(app)).client, token).get("/api/v1/diary")
    laptop, phone = texts_of_class((await user.get("/account/api-tokens")).text, "api-token")
    assert "never" not in laptop and re.search(r"\d{1,2} \w{3} \d{4} \d\d:\d\d", laptop)
    assert "never" in phone


async def test_a_token_needs_a_name_of_sensible_length(user):
    for name, message in (("   ", "Name the token"), ("x" * 101, "at most 100 characters")):
        answer = await user.post("/account/api-tokens", {"token_name": name})
        assert answer.status_code == 303
        page = (await user.get("/account/api-tokens")).text
        assert any(message in flash for flash in flashes(page))
        assert '<code class="secret">' not in page
    assert texts_of_class((await user.get("/account/api-tokens")).text, "api-token") == []


async def test_making_a_token_needs_the_forms_csrf_token(user):
    answer = await user.client.post("/account/api-tokens", data={"token_name": "Sneaky"})
    assert answer.status_code == 403
    assert texts_of_class((await user.get("/account/api-tokens")).text, "api-token") == []


async def test_someone_elses_token_cannot_be_revoked(user, program, bob):
    page = (await user.get("/account/api-tokens")).text
    token_id = re.search(r'action="/account/api-tokens/(\d+)/revoke"', page).group(1)
    await bob.get("/account")
    answer = await bob.post(f"/account/api-tokens/{token_id}/revoke")
    assert answer.status_code == 303
    assert "There is no such token of yours." in flashes((await bob.get("/account/api-tokens")).text)
    assert (await program.get("/api/v1/watchlist")).status_code == 200


async def test_revoking_takes_the_token_off_the_list(user, program):
    page = (await user.get("/account/api-tokens")).text
    token_id = re.search(r'action="/account/api-tokens/(\d+)/revoke"', page).group(1)
    await user.post(f"/account/api-tokens/{token_id}/revoke")
    page = (await user.get("/account/api-tokens")).text
    assert texts_of_class(page, "api-token") == [] and "No tokens yet." in text_of(page)
    assert (await program.get("/api/v1/watchlist")).status_code == 401


async def test_the_tokens_page_is_behind_the_login_wall(visitor):
    answer = await visitor.client.get("/account/api-tokens")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
