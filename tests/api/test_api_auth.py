"""Who the API lets in: only a request carrying a live API token, as `Authorization: Bearer`.
No token, a wrong one or a revoked one is a 401 in JSON, never the login page; a logged-in
browser's cookie counts for nothing; and each token has its own limit of requests a minute."""

import pytest
from api_support import Program, make_token

from flicklist.features import api


def refused_as_unauthenticated(answer) -> None:
    assert answer.status_code == 401, answer.text
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["www-authenticate"].startswith('Bearer realm="FlickList"')
    assert "location" not in answer.headers
    assert answer.json()["error"]


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_no_token_is_a_json_401_even_with_a_logged_in_browsers_cookie(user, method):
    await user.add("Heat")
    answer = await user.client.request(method, "/api/v1/watchlist", json={"title": "Alien"})
    refused_as_unauthenticated(answer)
    assert "API token" in answer.json()["error"]
    assert [title for title in ("Heat", "Alien") if title in (await user.get("/")).text] == ["Heat"]


@pytest.mark.parametrize(
    "authorization", ["Bearer not-a-token", "Bearer ", "Basic YW5uOnBhc3N3b3Jk", "Bearer " + "x" * 5000, "bearer"]
)
async def test_a_wrong_token_is_a_json_401(user, visitor_of, app, authorization):
    client = (await visitor_of(app)).client
    refused_as_unauthenticated(await client.get("/api/v1/watchlist", headers={"Authorization": authorization}))


async def test_a_wrong_token_is_told_invalid_token(program):
    wrong = Program(program.client, "x" + program.headers["Authorization"].removeprefix("Bearer "))
    answer = await wrong.get("/api/v1/watched")
    refused_as_unauthenticated(answer)
    assert 'error="invalid_token"' in answer.headers["www-authenticate"]


async def test_a_revoked_token_is_refused_at_once_and_the_others_still_work(user, visitor_of, app):
    kept = Program((await visitor_of(app)).client, await make_token(user, "Phone"))
    revoked = Program((await visitor_of(app)).client, await make_token(user, "Old laptop"))
    assert (await revoked.get("/api/v1/watchlist")).status_code == 200
    page = (await user.get("/account/api-tokens")).text
    token_id = page.split("Old laptop", 1)[1].split('action="/account/api-tokens/', 1)[1].split("/", 1)[0]
    answer = await user.post(f"/account/api-tokens/{token_id}/revoke")
    assert answer.status_code == 303
    refused_as_unauthenticated(await revoked.get("/api/v1/watchlist"))
    refused_as_unauthenticated(await revoked.post("/api/v1/watchlist", {"title": "Heat"}))
    assert (await kept.get("/api/v1/watchlist")).status_code == 200


async def test_a_deleted_accounts_token_opens_nothing(user, program):
    assert (await program.get("/api/v1/diary")).status_code == 200
    assert (await user.post("/account/delete", {"confirm": "correct horse battery staple"})).status_code == 303
    refused_as_unauthenticated(await program.get("/api/v1/diary"))


async def test_each_token_has_its_own_limit_of_requests_a_minute(user, visitor_of, app, monkeypatch):
    monkeypatch.setattr(api, "CALLS_PER_MINUTE", 3)
    busy = Program((await visitor_of(app)).client, await make_token(user, "Busy"))
    other = Program((await visitor_of(app)).client, await make_token(user, "Other"))
    for _ in range(3):
        assert (await busy.get("/api/v1/watchlist")).status_code == 200
    answer = await busy.get("/api/v1/watchlist")
    assert answer.status_code == 429
    assert answer.json()["error"].startswith("More than 3 requests a minute")
    assert 1 <= int(answer.headers["retry-after"]) <= 60
    assert (await other.get("/api/v1/watchlist")).status_code == 200
