"""The login throttle under attack: attempts sent at the same moment, guessing spread over many
addresses (the owner's known browsers stay in), the sign-up limit, and the clean-up of old counts."""

import asyncio

import httpx
from sqlalchemy import func, insert, select
from support import PASSWORD, Visitor, csrf_token_in, flashes

from flicklist.auth import EMAIL_TAKEN
from flicklist.db import Database
from flicklist.housekeeping import remove_expired
from flicklist.tables import login_sessions, login_throttle, now

WRONG = "wrong password, again"


async def simultaneous_logins(client, token: str, emails: list[str], password: str = WRONG) -> list[int]:
    async def attempt(email: str) -> int:
        response = await client.post("/login", data={"csrf_token": token, "email": email, "password": password})
        return response.status_code

    return list(await asyncio.gather(*(attempt(email) for email in emails)))


async def test_thirty_wrong_passwords_at_once_meet_the_limit(user):
    await user.logout()
    await user.get("/login")
    statuses = await simultaneous_logins(user.client, user.csrf_token, ["ann@example.com"] * 30)
    # Five free failures per account and address, and the sixth is the first to wait 2 s.
    assert statuses.count(303) == 6 and statuses.count(429) == 24, statuses


async def test_a_hundred_attempts_at_once_from_one_address_meet_its_limit(visitor):
    await visitor.get("/login")
    emails = [f"guess{n}@example.com" for n in range(100)]
    statuses = await simultaneous_logins(visitor.client, visitor.csrf_token, emails)
    assert statuses.count(303) == 51 and statuses.count(429) == 49, "fifty free failures per address, then waits"


async def test_attempts_at_once_through_two_servers_meet_the_limit(two_servers):
    async with httpx.AsyncClient(base_url=two_servers[0].url, timeout=60) as first:
        token = csrf_token_in((await first.get("/login")).text)
        async with httpx.AsyncClient(base_url=two_servers[1].url, cookies=first.cookies, timeout=60) as second:
            statuses = await asyncio.gather(
                simultaneous_logins(first, token, ["ann@example.com"] * 15),
                simultaneous_logins(second, token, ["ann@example.com"] * 15),
            )
    statuses = [*statuses[0], *statuses[1]]
    assert statuses.count(303) == 6 and statuses.count(429) == 24, statuses


async def guess_from_many_addresses(make_visitor, times: int) -> None:
    for n in range(times):
        attacker = await make_visitor(address=f"203.0.113.{n}")
        assert (await attacker.login("ann@example.com", password=WRONG)).status_code == 303


async def test_guessing_from_many_addresses_never_locks_out_a_browser_the_owner_used(user, make_visitor):
    await user.logout()
    assert (await user.login("ann@example.com")).headers["location"] == "/", "this browser is now known"
    await user.logout()
    await guess_from_many_addresses(make_visitor, 21)

    stranger = await make_visitor(address="198.51.100.7")
    held = await stranger.login("ann@example.com")
    assert held.status_code == 429, "an unknown browser is held to the account's limit, right password or not"
    assert "Too many attempts" in held.text

    response = await user.login("ann@example.com")
    assert response.headers["location"] == "/", "the owner's own browser gets in"
    assert flashes((await user.get("/")).text) == ["Welcome back, ann@example.com!"]


async def test_a_known_browser_guessing_wrong_is_held_to_its_own_limit(user):
    await user.logout()
    await user.login("ann@example.com")
    await user.logout()
    statuses = [(await user.login("ann@example.com", password=WRONG)).status_code for _ in range(12)]
    assert statuses[:11] == [303] * 11 and statuses[11] == 429, statuses


async def test_a_device_cookie_counts_only_for_its_own_account_and_only_when_genuine(user, make_visitor):
    await user.logout()
    await user.login("ann@example.com")
    await user.logout()
    bob = await make_visitor()
    await bob.register("bob@example.com")
    await bob.logout()
    ann_device = user.client.cookies["flicklist_device"]
    await guess_from_many_addresses(make_visitor, 21)
    for cookie in (ann_device[:-3] + "xyz", None):
        thief = await make_visitor(address="198.51.100.8")
        if cookie:
            thief.client.cookies.set("flicklist_device", cookie)
        assert (await thief.login("ann@example.com")).status_code == 429, "a forged cookie earns nothing"
    assert (await user.login("ann@example.com")).headers["location"] == "/"


async def test_sign_ups_from_one_address_are_limited_per_hour(make_visitor):
    visitor = await make_visitor(address="192.0.2.1")
    for n in range(10):
        visitor.client.cookies.clear()
        assert (await visitor.register(f"user{n}@example.com")).headers["location"] == "/"
    visitor.client.cookies.clear()
    refused = await visitor.register("user10@example.com")
    assert refused.status_code == 429
    assert 3500 < int(refused.headers["retry-after"]) <= 3600
    assert "Too many new accounts from your network" in refused.text
    elsewhere = await make_visitor(address="192.0.2.2")
    assert (await elsewhere.register("user10@example.com")).headers["location"] == "/", "another address may"


async def test_sign_ups_with_taken_emails_count_so_the_form_cannot_test_emails_without_limit(
    make_visitor, make_settings_app
):
    for n in range(4):
        await (await make_visitor(address=f"192.0.2.{10 + n}")).register(f"taken{n}@example.com")
    app = await make_settings_app(signups_per_hour="3")
    transport = httpx.ASGITransport(app=app, client=("192.0.2.3", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        prober = Visitor(client)
        for n in range(3):
            assert (await prober.register(f"taken{n}@example.com")).headers["location"] == "/register"
            assert flashes((await prober.get("/register")).text) == [EMAIL_TAKEN], "said as before"
        refused = await prober.register("taken3@example.com")
    assert refused.status_code == 429
    assert "Too many new accounts from your network" in refused.text


async def test_sign_ups_are_unlimited_when_set_to_zero(make_settings_app):
    app = await make_settings_app(signups_per_hour="0")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        for n in range(12):
            client.cookies.clear()
            token = csrf_token_in((await client.get("/register")).text)
            fields = {"csrf_token": token, "email": f"u{n}@example.com", "password": PASSWORD, "verify": PASSWORD}
            assert (await client.post("/register", data=fields)).headers["location"] == "/"


async def test_expired_sessions_and_old_counts_are_removed_and_live_ones_kept(user, app):
    db, settings, timestamp = app.state.db, app.state.settings, now()
    async with db.transaction() as connection:
        [(user_id,)] = (await connection.execute(select(login_sessions.c.user_id))).all()
        stale = [
            {
                "token_hash": "idle",
                "created_at": timestamp,
                "last_seen_at": timestamp - settings.session_idle_seconds - 1,
            },
            {
                "token_hash": "old",
                "created_at": timestamp - settings.session_absolute_seconds - 1,
                "last_seen_at": timestamp,
            },
        ]
        await connection.execute(insert(login_sessions), [{**row, "user_id": user_id} for row in stale])
        await connection.execute(
            insert(login_throttle),
            [
                {"key": "pair:old", "failures": 9, "last_failure_at": timestamp - 3601},
                {"key": "pair:recent", "failures": 9, "last_failure_at": timestamp - 60},
            ],
        )
    removed = await remove_expired(db, settings)
    assert (removed.sessions, removed.throttle_counts, removed.events) == (2, 1, 0)
    async with db.engine.connect() as connection:
        assert (await connection.execute(select(func.count()).select_from(login_sessions))).scalar_one() == 1
        keys = (await connection.execute(select(login_throttle.c.key))).scalars().all()
    assert "pair:recent" in keys and "pair:old" not in keys
    assert (await user.get("/")).status_code == 200, "the live session still works"


async def test_the_app_tidies_up_when_it_starts(database_url, make_settings_app):
    db = Database(database_url)
    async with db.transaction() as connection:
        await connection.execute(
            insert(login_throttle).values(key="pair:old", failures=9, last_failure_at=now() - 7200)
        )
    await db.close()
    app = await make_settings_app()
    for _ in range(50):
        async with app.state.db.engine.connect() as connection:
            if not (await connection.execute(select(login_throttle.c.key))).all():
                return
        await asyncio.sleep(0.05)
    raise AssertionError("the stale count is still there after start-up")
