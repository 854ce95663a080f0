"""Passwords and logins: the blocklist, context words, throttling, rehashing."""

import unicodedata

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update
from support import PASSWORD, flashes

from flicklist.tables import login_throttle, users

INVISIBLE = "Password must have visible characters, not only spaces or invisible ones."
PREDICTABLE = "That password is a repeated character or a run of keys or letters. Please choose another."


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("1qaz2wsx3edc4rfv", "That password is on a list of commonly used passwords. Please choose another."),
        ("$xobotok@xobotok", "That password is on a list of commonly used passwords. Please choose another."),
        ("FlickList2026!!!", "Password must not be built around 'flicklist'; add more of your own words."),
        ("annabel.lee12345", "Password must not be built around 'annabel.lee'; add more of your own words."),
        (
            "annabel.lee@example.com1",
            "Password must not be built around 'annabel.lee@example.com'; add more of your own words.",
        ),
    ],
)
async def test_common_and_guessable_passwords_are_refused_saying_why(visitor, password, message):
    await visitor.register("annabel.lee@example.com", password=password)
    assert flashes((await visitor.get("/register")).text) == [message]


async def test_a_passphrase_that_merely_mentions_the_site_is_fine(visitor):
    response = await visitor.register("ann@example.com", password="my flicklist is full of great films")
    assert response.headers["location"] == "/"


async def attempt(visitor, password="wrong password, again"):
    return await visitor.login("ann@example.com", password=password)


async def test_repeated_failures_on_one_account_get_429_with_the_wait(user):
    await user.logout()
    statuses = [(await attempt(user)).status_code for _ in range(5)]
    assert statuses == [303] * 5, "five free failures"
    await attempt(user)
    blocked = await attempt(user)
    assert blocked.status_code == 429
    wait = int(blocked.headers["retry-after"])
    assert wait >= 1
    assert f"Too many attempts, try again in {wait} second{'s' if wait > 1 else ''}." in blocked.text
    assert (await attempt(user, PASSWORD)).status_code == 429, "even the right password waits"


async def test_the_wait_expires_and_the_owner_gets_back_in(user, app):
    await user.logout()
    for _ in range(7):
        await attempt(user)
    async with app.state.db.engine.begin() as connection:  # as if the waiting time had passed
        await connection.execute(update(login_throttle).values(last_failure_at=login_throttle.c.last_failure_at - 600))
    assert (await attempt(user, PASSWORD)).headers["location"] == "/"
    async with app.state.db.engine.connect() as connection:
        keys = (await connection.execute(select(login_throttle.c.key))).scalars().all()
    assert not any(key.startswith(("pair:", "account:")) for key in keys), "success forgets the account's failures"


async def test_an_attacker_elsewhere_does_not_lock_the_owner_out(user, app, make_visitor):
    await user.logout()
    attacker = await make_visitor(address="203.0.113.9")
    for _ in range(7):
        await attempt(attacker)
    assert (await attempt(attacker)).status_code == 429
    assert (await attempt(user, PASSWORD)).headers["location"] == "/", "the owner's own address is not blocked"


async def test_a_hash_made_with_old_parameters_is_upgraded_at_login(strong_password_hashing, user, app):
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    async with app.state.db.engine.begin() as connection:
        await connection.execute(update(users).values(password_hash=weak))
    await user.logout()
    assert (await user.login("ann@example.com")).headers["location"] == "/"
    async with app.state.db.engine.connect() as connection:
        stored = (await connection.execute(select(users.c.password_hash))).scalar_one()
    assert stored != weak and "m=19456,t=2,p=1" in stored


@pytest.mark.parametrize(
    ("password", "message"),
    [
        (" " * 15, INVISIBLE),
        ("\u200b" * 15, INVISIBLE),
        ("\u3000 \u00a0\u2060" * 5, INVISIBLE),
        ("b" * 15, PREDICTABLE),
        ("🎬" * 15, PREDICTABLE),
        ("abcdefghijklmno", PREDICTABLE),
        ("ONMLKJIHGFEDCBA", PREDICTABLE),
        ("qwertyuiop123456", PREDICTABLE),
        ("asdfghjkl;zxcvbnm", PREDICTABLE),
        ("abcabcabcabcabcabc", PREDICTABLE),
        ("b b b b b b b b b", PREDICTABLE),
    ],
)
async def test_trivial_passwords_are_refused_at_sign_up_and_at_change(user, make_visitor, password, message):
    visitor = await make_visitor()
    assert (await visitor.register("bob@example.com", password=password)).headers["location"] == "/register"
    assert flashes((await visitor.get("/register")).text) == [message]
    await user.get("/account")
    fields = {"current": PASSWORD, "password": password, "verify": password}
    assert (await user.post("/account/password", fields)).headers["location"] == "/account"
    assert flashes((await user.get("/account")).text) == [message]
    await user.logout()
    assert (await user.login("ann@example.com")).headers["location"] == "/", "the old password still works"


async def test_a_password_typed_decomposed_logs_in_as_composed(make_visitor):
    composed = "crème brûlée at the ciné"
    ann = await make_visitor()
    assert (await ann.register("ann@example.com", password=composed)).headers["location"] == "/"
    await ann.logout()
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert (await ann.login("ann@example.com", password=decomposed)).headers["location"] == "/"


async def test_a_hash_made_before_normalisation_still_logs_in_and_is_made_again(user, app):
    decomposed = unicodedata.normalize("NFD", "crème brûlée at the ciné")
    legacy = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1).hash(decomposed)
    async with app.state.db.engine.begin() as connection:
        await connection.execute(update(users).values(password_hash=legacy))
    await user.logout()
    assert (await user.login("ann@example.com", password=decomposed)).headers["location"] == "/"
    async with app.state.db.engine.connect() as connection:
        stored = (await connection.execute(select(users.c.password_hash))).scalar_one()
    assert stored != legacy
    assert PasswordHasher().verify(stored, unicodedata.normalize("NFC", decomposed)), "now stored as NFC"


async def test_the_account_pages_password_confirmations_are_throttled(user):
    await user.get("/account")
    wrong = {
        "current": "not my password at all",
        "password": "a new passphrase here",
        "verify": "a new passphrase here",
    }
    statuses = [(await user.post("/account/password", wrong)).status_code for _ in range(7)]
    assert statuses[:6] == [303] * 6 and statuses[6] == 429, statuses
    blocked = await user.post("/account/delete", {"confirm": PASSWORD})
    assert blocked.status_code == 429, "the right password waits too, for deleting the account as well"
    assert (await user.get("/")).status_code == 200, "and the account is still there"
