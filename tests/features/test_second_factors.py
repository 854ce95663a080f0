"""Second factors over HTTP: an authenticator app (codes made with pyotp, as the app would),
recovery codes, the login's second step, FLICKLIST_REQUIRE_MFA and the security log.
Passkeys: tests/browser/test_passkeys.py (Chromium's virtual authenticator) and
tests/security/test_passkey_challenges.py (a software one, over HTTP)."""

import re
import time

import pyotp
import pytest
from sqlalchemy import insert
from support import PASSWORD, flashes, text_of, texts_of_class

from flicklist.housekeeping import remove_expired
from flicklist.tables import now, security_events

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"


@pytest.fixture
def frozen_time(monkeypatch):
    """The clock stopped mid-step, so codes are made for a known 30 s step whatever the real
    clock does; ahead of it, as cookies signed "in the future" would be refused."""
    stopped = (int(time.time()) // 30 + 1) * 30 + 10.0
    monkeypatch.setattr(time, "time", lambda: stopped)
    return stopped


def recovery_codes_in(page: str) -> list[str]:
    return re.findall(r"<li><code>([^<]+)</code></li>", page)


async def set_up_app(visitor) -> tuple[pyotp.TOTP, list[str]]:
    """Turn on an authenticator app as a person would: scan, type the code; the recovery codes shown once."""
    page = (await visitor.get("/account/totp")).text
    assert "<svg" in page and "QR code" in page, "the QR code is drawn in the page"
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    app = pyotp.TOTP(secret)
    response = await visitor.post("/account/totp", {"code": app.now()})
    assert response.status_code == 200
    codes = recovery_codes_in(response.text)
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", code) for code in codes)
    assert "This is the only time they are shown." in text_of(response.text)
    visitor.csrf_token = None  # the session was renewed
    return app, codes


async def password_step(visitor, email="ann@example.com", next=None):
    await visitor.logout()
    response = await visitor.login(email, next=next)
    assert response.headers["location"] == "/login/verify", "the password alone does not log in"
    assert (await visitor.get("/")).headers["location"] == "/login", "nothing behind the wall yet"
    await visitor.get("/login/verify")
    return response


async def test_setting_up_an_app_needs_a_right_code_and_then_shows_recovery_codes(user, frozen_time):
    page = (await user.get("/account/totp")).text
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    assert len(secret) == 32
    wrong = await user.post("/account/totp", {"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"})
    assert wrong.headers["location"] == "/account/totp"
    assert flashes((await user.get("/account/totp")).text) == [
        "That code is not right. Type the 6 digits the app shows for FlickList now."
    ]
    response = await user.post("/account/totp", {"code": pyotp.TOTP(secret).now()})
    assert "Your authenticator app is set up." in flashes(response.text)
    account = text_of((await user.get("/account")).text)
    assert "On: logging in asks for the 6-digit code from your app." in account
    assert "10 of 10 unused." in account


async def test_a_login_with_an_app_takes_the_password_then_the_code(user, frozen_time):
    app, _ = await set_up_app(user)
    await password_step(user, next="/watched")
    response = await user.post("/login/verify", {"code": app.at(frozen_time + 30)})
    assert response.headers["location"] == "/watched"
    assert flashes((await user.get("/watched")).text) == ["Welcome back, ann@example.com!"]


async def test_a_code_is_accepted_once_only_and_within_one_step_of_drift(user, frozen_time):
    app, _ = await set_up_app(user)  # setting up spent the current step's code
    await password_step(user)
    for refused in (app.at(frozen_time), app.at(frozen_time - 30), app.at(frozen_time + 60), "12345", "abcdef"):
        response = await user.post("/login/verify", {"code": refused}, htmx=True)
        assert response.status_code == 422, refused
        assert "That code is not right, or was used already." in text_of(response.text)
    assert (await user.post("/login/verify", {"code": app.at(frozen_time + 30)})).headers["location"] == "/"
    await password_step(user)
    replay = await user.post("/login/verify", {"code": app.at(frozen_time + 30)})
    assert replay.headers["location"] == "/login/verify", "the same code twice: refused"


async def test_wrong_codes_are_throttled_like_passwords(user, frozen_time):
    app, _ = await set_up_app(user)
    await password_step(user)
    statuses = [(await user.post("/login/verify", {"code": "000001"})).status_code for _ in range(7)]
    assert statuses[:6] == [303] * 6 and statuses[6] == 429, statuses
    assert (await user.post("/login/verify", {"code": app.at(frozen_time + 30)})).status_code == 429


async def test_a_recovery_code_logs_in_once(user, frozen_time):
    _, codes = await set_up_app(user)
    await password_step(user)
    assert (await user.post("/login/verify", {"code": codes[3].upper()})).headers["location"] == "/"
    assert flashes((await user.get("/")).text) == [
        "Welcome back, ann@example.com!",
        "You used a recovery code; 9 left. Your account page makes new ones.",
    ]
    await password_step(user)
    assert (await user.post("/login/verify", {"code": codes[3]})).headers["location"] == "/login/verify"


async def test_new_recovery_codes_need_the_password_and_void_the_old(user, frozen_time):
    _, old_codes = await set_up_app(user)
    await user.get("/account")
    refused = await user.post("/account/recovery-codes", {"confirm": "not my password"})
    assert refused.headers["location"] == "/account"
    response = await user.post("/account/recovery-codes", {"confirm": PASSWORD})
    new_codes = recovery_codes_in(response.text)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    user.csrf_token = None
    await password_step(user)
    assert (await user.post("/login/verify", {"code": old_codes[0]})).headers["location"] == "/login/verify"
    assert (await user.post("/login/verify", {"code": new_codes[0]})).headers["location"] == "/"


async def test_turning_the_app_off_needs_the_password_and_then_the_password_is_enough(user, frozen_time):
    _, codes = await set_up_app(user)
    await user.get("/account")
    assert (await user.post("/account/totp/remove", {"confirm": "wrong password"})).headers["location"] == "/account"
    assert "On: logging in asks" in text_of((await user.get("/account")).text), "still on"
    await user.post("/account/totp/remove", {"confirm": PASSWORD})
    page = (await user.get("/account")).text
    assert "Removed the authenticator app." in flashes(page)[0]
    await user.logout()
    assert (await user.login("ann@example.com")).headers["location"] == "/"
    await user.logout()
    await user.login("ann@example.com")
    assert (await user.post("/login/verify", {"code": codes[0]})).headers["location"] == "/login", "codes are void"


async def test_the_second_step_expires_and_cannot_be_reached_without_the_password(user, frozen_time, monkeypatch):
    app, _ = await set_up_app(user)
    await password_step(user)
    monkeypatch.setattr(time, "time", lambda: frozen_time + 301)
    assert (await user.post("/login/verify", {"code": app.at(frozen_time + 301)})).headers["location"] == "/login"
    assert flashes((await user.get("/login")).text) == ["That took too long. Please log in again."]
    assert (await user.get("/login/verify")).headers["location"] == "/login"
    assert (await user.get("/")).headers["location"] == "/login"


async def test_adding_a_factor_makes_a_copy_of_this_browsers_cookie_worthless(user, make_visitor, frozen_time):
    copy = await make_visitor()
    copy.client.cookies.update(user.client.cookies)
    await set_up_app(user)
    assert (await copy.get("/")).headers["location"] == "/login"
    assert (await user.get("/")).status_code == 200


async def test_require_mfa_confines_an_account_to_adding_a_second_factor(make_settings_app, frozen_time):
    from httpx import ASGITransport, AsyncClient
    from support import Visitor

    app = await make_settings_app(require_mfa="true")
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver") as client:
        ann = Visitor(client)
        await ann.register("ann@example.com")
        for path in ("/", "/watched"):
            assert (await ann.get(path)).headers["location"] == "/account"
        await ann.get("/account")
        refused = await ann.add("Heat")
        assert refused.headers["location"] == "/account", "and cannot change anything"
        page = (await ann.get("/account")).text
        assert flashes(page)[-1] == "Add a second factor (a passkey or an authenticator app) to go on using FlickList."
        await set_up_app(ann)
        assert (await ann.get("/")).status_code == 200
        assert (await ann.add("Heat")).headers["location"] == "/"


async def test_the_account_page_shows_recent_sign_ins_and_security_changes(user, frozen_time):
    user.client.headers["User-Agent"] = FIREFOX
    await user.logout()
    await user.login("ann@example.com", password="not the password")
    await user.login("ann@example.com")
    await set_up_app(user)
    rows = texts_of_class((await user.get("/account")).text, "event")
    assert "Recovery codes made" in rows[0]
    assert any("Second factor added (authenticator app)" in row for row in rows)
    assert any("Login (password)Firefox on Linux127.0.0.1" in row for row in rows)
    assert any("Login failedFirefox on Linux127.0.0.1" in row for row in rows)


async def test_security_events_are_kept_90_days(user, app):
    async with app.state.db.transaction() as connection:
        row = {"user_id": 1, "kind": "login", "address": "x", "browser": "x", "detail": ""}
        await connection.execute(insert(security_events), [{**row, "at": now() - 91 * 86400}, {**row, "at": now()}])
    assert (await remove_expired(app.state.db, app.state.settings)).events == 1
