"""Registering, logging in and out, as a person does it with JavaScript off (plain forms, redirects)."""

from urllib.parse import quote

import pytest
from sqlalchemy import select
from support import PASSWORD, flashes

from flicklist.auth import PASSWORDS_DIFFER
from flicklist.tables import login_sessions, users


async def test_register_logs_the_new_user_in_and_greets_them(visitor):
    response = await visitor.register("ann@example.com")
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    page = await visitor.get("/")
    assert page.status_code == 200
    assert "ann@example.com" in page.text
    assert ">Log out</button>" in page.text
    assert flashes(page.text) == ["Welcome to FlickList, ann@example.com! Add the first movie you want to see."]


async def test_register_with_mismatched_passwords_returns_to_register_with_a_flash(visitor):
    response = await visitor.register("ann@example.com", verify=PASSWORD + "!")
    assert (response.status_code, response.headers["location"]) == (303, "/register")
    page = await visitor.get("/register")
    assert flashes(page.text) == [PASSWORDS_DIFFER]
    assert 'value="ann@example.com"' in page.text, "the email typed is kept"
    assert (await visitor.login("ann@example.com")).headers["location"] == "/login"


async def test_register_with_an_email_that_has_an_account_is_refused_whatever_its_case(make_visitor, app):
    await (await make_visitor()).register("ann@example.com")
    second = await make_visitor()
    response = await second.register("Ann@Example.COM")
    assert response.headers["location"] == "/register"
    assert flashes((await second.get("/register")).text) == [
        "An account with that email already exists. Log in instead?"
    ]
    async with app.state.db.engine.connect() as connection:
        assert (await connection.execute(select(users.c.email))).scalars().all() == ["ann@example.com"]


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Please enter your email address."),
        ("not-an-email", "That does not look like an email address."),
        ("ann@", "That does not look like an email address."),
    ],
)
async def test_register_with_a_bad_email_says_so(visitor, email, message):
    await visitor.register(email)
    assert flashes((await visitor.get("/register")).text) == [message]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("x" * 14, "Password must be at least 15 characters long."),
        ("é" * 14, "Password must be at least 15 characters long."),
        ("x" * 1025, "Password must be at most 1,024 characters long."),
        ("annie.longname1", "Password must not be your email address."),
        ("annie.longname1@example.com", "Password must not be your email address."),
    ],
)
async def test_register_with_a_password_breaking_a_rule_names_the_rule(visitor, password, message):
    await visitor.register("Annie.Longname1@example.com", password=password)
    assert flashes((await visitor.get("/register")).text) == [message]


@pytest.mark.parametrize(
    "password",
    ["rainy sunday ok", "🎬🍿 a night at the pictures", "a long passphrase " * 4, ("my film diary " * 80)[:1024]],
)
async def test_register_accepts_any_password_of_15_to_1024_characters(visitor, password):
    assert (await visitor.register("ann@example.com", password=password)).headers["location"] == "/"


async def test_the_register_page_states_the_password_rule_before_typing(visitor):
    page = await visitor.get("/register")
    assert "At least 15 characters" in page.text


async def test_password_is_checked_exactly_as_typed(make_visitor):
    ann = await make_visitor()
    await ann.register("ann@example.com", password="  spaces around it  ")
    await ann.logout()
    assert (await ann.login("ann@example.com", password="spaces around it")).headers["location"] == "/login"
    assert (await ann.login("ann@example.com", password="  spaces around it  ")).headers["location"] == "/"


async def test_passwords_are_stored_as_argon2id_hashes(user, app):
    async with app.state.db.engine.connect() as connection:
        stored = (await connection.execute(select(users.c.password_hash))).scalar_one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


async def test_login_with_the_email_in_another_case_welcomes_the_user_back(user):
    await user.logout()
    response = await user.login("ANN@example.com")
    assert (response.status_code, response.headers["location"]) == (303, "/")
    assert flashes((await user.get("/")).text) == ["Welcome back, ann@example.com!"]


async def test_login_failure_says_the_same_for_unknown_email_and_wrong_password(user, make_visitor):
    await user.logout()
    wrong_password = await user.login("ann@example.com", password="not the right password")
    stranger = await make_visitor()
    unknown_email = await stranger.login("nobody@example.com")
    assert wrong_password.status_code == unknown_email.status_code == 303
    assert wrong_password.headers["location"] == unknown_email.headers["location"] == "/login"
    assert flashes((await user.get("/login")).text) == ["Email or password is incorrect."]
    assert flashes((await stranger.get("/login")).text) == ["Email or password is incorrect."]


async def test_a_login_form_sent_blank_asks_for_what_is_missing_and_counts_no_attempt(user, make_visitor):
    await user.logout()
    stranger = await make_visitor()
    for _ in range(30):  # past every limit of the login throttle, were they counted
        assert (await stranger.post("/login", {"email": "", "password": "anything at all"})).status_code == 303
    assert flashes((await stranger.get("/login")).text)[-1] == "Enter your email."
    await stranger.post("/login", {"email": "ann@example.com", "password": ""})
    assert flashes((await stranger.get("/login")).text) == ["Enter your password."]
    assert (await stranger.login("ann@example.com")).headers["location"] == "/"


async def test_login_goes_to_the_page_asked_for(user):
    await user.logout()
    assert (await user.login("ann@example.com", next="/watched")).headers["location"] == "/watched"


# Control characters in `next`: tests/security/test_input.py, sent so that the server sees them.
@pytest.mark.parametrize("target", ["//evil.example", "/\\evil.example", "https://evil.example/"])
async def test_login_never_sends_the_user_to_another_site(user, target):
    await user.logout()

    location = (await user.login("ann@example.com", next=quote(target, safe=""))).headers["location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert "evil" not in location and "\n" not in location


async def test_logout_ends_the_session_and_says_so(user, app):
    stolen_copy = dict(user.client.cookies)
    response = await user.logout()
    async with app.state.db.engine.connect() as connection:
        assert (await connection.execute(select(login_sessions.c.token_hash))).all() == [], "ended on the server"
    after_logout = dict(user.client.cookies)
    user.client.cookies.update(stolen_copy)
    assert (await user.get("/")).headers["location"] == "/login", "a copy of the old cookie is dead"
    user.client.cookies.update(after_logout)
    assert (response.status_code, response.headers["location"]) == (303, "/login")
    assert flashes((await user.get("/login")).text) == ["You have been logged out. See you soon!"]
    assert (await user.get("/")).headers["location"] == "/login"


async def test_logout_by_get_is_not_allowed(user):
    response = await user.get("/logout")
    assert response.status_code == 405
    assert (await user.get("/")).status_code == 200, "still logged in"


async def test_a_session_cookie_copied_before_logout_is_dead_after_it(user, make_visitor):
    thief = await make_visitor()
    thief.client.cookies.update(user.client.cookies)
    assert (await thief.get("/")).status_code == 200
    await user.logout()
    assert (await thief.get("/")).headers["location"] == "/login"


async def test_the_session_cookie_is_httponly_and_samesite_lax(visitor):
    response = await visitor.get("/login")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
