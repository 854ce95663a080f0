"""“Forgot your password?”: a link mailed through a real SMTP server, good once and for an
hour; the same answer, in the same time, whatever the address; the limits; sessions ended
and second factors kept by a reset."""

import asyncio
import statistics
import time

import pyotp
import pytest
from smtp_server import bodies, link_in, wait_for_mail
from support import PASSWORD, flashes, text_of

from flicklist.features.password_reset import ON_ITS_WAY
from flicklist.security import account_links

NEW_PASSWORD = "a brand new passphrase for ann"


async def ask_for_link(visitor, email="ann@example.com", htmx=False):
    return await visitor.post("/password/forgot", {"email": email}, htmx=htmx)


async def set_password(visitor, link: str, password: str = NEW_PASSWORD, verify: str | None = None):
    """Open the link, then send the form it shows: the last response, and the page the link opened."""
    opened = await visitor.get(link)
    assert opened.status_code == 303 and opened.headers["location"] == "/password/reset"
    form = await visitor.get("/password/reset")
    response = await visitor.post("/password/reset", {"password": password, "verify": verify or password})
    if response.headers.get("location") == "/login":
        visitor.csrf_token = None  # the session was replaced; the next page hands out a new token
    return response, form


async def test_the_login_page_links_to_a_form_that_mails_a_link(visitor, user, inbox):
    assert "Forgot your password?" in text_of((await visitor.get("/login")).text)
    assert "Send me a link" in text_of((await visitor.get("/password/forgot")).text)
    response = await ask_for_link(visitor)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert flashes((await visitor.get("/login")).text) == [ON_ITS_WAY]

    message = await wait_for_mail(inbox, "ann@example.com")
    assert message["From"] == "FlickList <flicklist@example.org>"
    assert message["Subject"] == "Set a new FlickList password"
    plain, html = bodies(message)
    assert "It works once, for 1 hour" in plain and "<a href=" in html
    assert link_in(message).startswith("/password/reset/")


async def test_a_mailed_link_sets_a_new_password_once_and_ends_every_session(user, make_visitor, inbox):
    phone = await make_visitor()
    await phone.login("ann@example.com")
    stranger = await make_visitor()
    await ask_for_link(stranger)
    link = link_in(await wait_for_mail(inbox, "ann@example.com"))

    response, form = await set_password(stranger, link)
    assert "For ann@example.com" in text_of(form.text)
    assert response.headers["location"] == "/login"
    assert flashes((await stranger.get("/login")).text) == [
        "Your new password is set, and every browser was logged out. Log in with it now. API tokens,"
        " media-server and feed links still work: in Account settings, revoke any you did not make."
    ]
    for browser in (user, phone):
        assert (await browser.get("/")).headers["location"] == "/login", "every session ended"
    assert (await stranger.login("ann@example.com", PASSWORD)).headers["location"] == "/login"
    assert flashes((await stranger.get("/login")).text) == ["Email or password is incorrect."]
    assert (await stranger.login("ann@example.com", NEW_PASSWORD)).headers["location"] == "/"

    again = await make_visitor()
    await again.get(link)
    refused = await again.get("/password/reset")
    assert refused.status_code == 400 and account_links.REFUSED in text_of(refused.text)


async def test_a_new_password_follows_the_rules_of_sign_up(user, visitor, inbox):
    await ask_for_link(visitor)
    link = link_in(await wait_for_mail(inbox, "ann@example.com"))
    short, _ = await set_password(visitor, link, "too short")
    assert short.headers["location"] == "/password/reset"
    assert "at least 15 characters" in flashes((await visitor.get("/password/reset")).text)[0]
    differ = await visitor.post("/password/reset", {"password": NEW_PASSWORD, "verify": "something else"}, htmx=True)
    assert differ.status_code == 422 and "Passwords did not match" in text_of(differ.text)
    assert 'id="reset-password-form"' in differ.text, "htmx gets the form back, the error beside its field"
    done = await visitor.post("/password/reset", {"password": NEW_PASSWORD, "verify": NEW_PASSWORD})
    assert done.headers["location"] == "/login", "the link was not spent by the refused tries"


async def test_a_tampered_used_or_expired_link_gets_the_same_refusal(user, make_visitor, inbox, clock):
    async def refusal(link: str) -> tuple[int, str]:
        visitor = await make_visitor()
        await visitor.get(link)
        page = await visitor.get("/password/reset")
        return page.status_code, text_of(page.text)

    opener = await make_visitor()
    await ask_for_link(opener)
    link = link_in(await wait_for_mail(inbox, "ann@example.com"))
    number, secret = link.rsplit("/", 1)[1].split(".")
    tampered = [
        f"/password/reset/{number}.{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}",
        f"/password/reset/{int(number) + 1}.{secret}",
        "/password/reset/not-a-token",
    ]
    answers = [await refusal(path) for path in tampered]
    clock.tick(3599)
    response, _ = await set_password(opener, link)
    assert response.headers["location"] == "/login", "within the hour it works"
    answers.append(await refusal(link))  # used

    await ask_for_link(opener)
    expiring = link_in(await wait_for_mail(inbox, "ann@example.com", count=2))
    clock.tick(3600)
    answers.append(await refusal(expiring))
    assert answers == [answers[0]] * 5
    status, text = answers[0]
    assert status == 400 and account_links.REFUSED in text and "Ask for a new link" in text


def share_of_pairs_slower(first: list[float], second: list[float]) -> float:
    """Of every pair of one time from each, the share where the first is the slower: about a
    half when both come from the same distribution (the Mann-Whitney U statistic, scaled)."""
    return sum((one > other) + (one == other) / 2 for one in first for other in second) / (len(first) * len(second))


@pytest.mark.slow
async def test_a_known_and_an_unknown_address_get_the_same_answer_in_the_same_time(
    app, make_visitor, inbox, monkeypatch
):
    """The same answer and the same statements on the request (whether an account uses the
    address is found out by the outbox, after the answer), so the times cannot be told apart:
    a known address answers slower than an unknown one in about half of all pairs of requests."""
    owner = await make_visitor()
    rounds = 30
    for number in range(rounds):
        await owner.register(f"member{number}@example.com")
    statements: list[str] | None = None
    run_by_database = app.state.db.sql_and_values

    def noted(statement, values):
        sql, parameters = run_by_database(statement, values)
        if statements is not None:
            statements.append(sql)
        return sql, parameters

    monkeypatch.setattr(app.state.db, "sql_and_values", noted)
    timings, answers, work = ({"known": [], "unknown": []} for _ in range(3))
    for number in range(rounds):
        emails = {"known": f"member{number}@example.com", "unknown": f"nobody{number}@example.com"}
        for kind in ("known", "unknown") if number % 2 else ("unknown", "known"):
            visitor = await make_visitor(f"10.{number}.0.{len(kind)}")
            await visitor.get("/password/forgot")  # a session and its token before the timing starts
            statements = []
            started = time.perf_counter()
            response = await ask_for_link(visitor, emails[kind])
            timings[kind].append(time.perf_counter() - started)
            work[kind].append(tuple(statements))
            statements = None
            page = await visitor.get("/login")
            answers[kind].append((response.status_code, response.headers["location"], tuple(flashes(page.text))))
            if kind == "known":
                await wait_for_mail(inbox, emails[kind])
            await asyncio.sleep(0.05)  # the outbox's errand done before the next request is timed
    assert set(answers["known"]) == set(answers["unknown"]) == {(303, "/login", (ON_ITS_WAY,))}
    assert len(set(work["known"]) | set(work["unknown"])) == 1, "one and the same work on every request"
    htmx = [
        await ask_for_link(await make_visitor("10.99.0.1"), "member0@example.com", htmx=True),
        await ask_for_link(await make_visitor("10.99.0.2"), "nobody0@example.com", htmx=True),
    ]
    answered = {(answer.status_code, answer.headers["hx-redirect"], answer.text) for answer in htmx}
    assert answered == {(200, "/login", "")}

    medians = {kind: statistics.median(seconds) * 1000 for kind, seconds in timings.items()}
    slower = share_of_pairs_slower(timings["known"], timings["unknown"])
    print(
        f"{rounds} requests each: median known {medians['known']:.2f} ms, unknown {medians['unknown']:.2f} ms; "
        f"known slower in {slower:.0%} of pairs"
    )
    # 0.5 ± 0.25 is more than three standard deviations of the statistic for 30 and 30 times.
    assert 0.25 <= slower <= 0.75
    await wait_for_mail(inbox, "member0@example.com", count=2)
    assert len(inbox.messages) == rounds + 1


async def test_the_mail_is_sent_after_the_answer(user, visitor, inbox):
    inbox.delay = 2.0
    started = time.perf_counter()
    await ask_for_link(visitor)
    answered = time.perf_counter() - started
    assert answered < 1.0, "the page does not wait for the mail server"
    assert inbox.messages == []
    await wait_for_mail(inbox, "ann@example.com")


async def test_links_asked_for_one_address_are_limited_whoever_asks(user, make_visitor, inbox):
    for number in range(3):
        assert (await ask_for_link(await make_visitor(f"10.0.1.{number}"))).status_code == 303
    for email in ("ann@example.com", "nobody@example.com"):
        visitor = await make_visitor("10.0.1.9")
        if email == "nobody@example.com":
            for _ in range(3):
                await ask_for_link(visitor, email)
        refused = await ask_for_link(visitor, email)
        assert refused.status_code == 429 and "Too many links asked for, try again in" in text_of(refused.text)
        assert int(refused.headers["retry-after"]) > 3000


async def test_links_asked_for_from_one_network_are_limited(make_visitor):
    visitor = await make_visitor("10.0.2.1")
    answers = [(await ask_for_link(visitor, f"someone{number}@example.com")).status_code for number in range(21)]
    assert answers == [303] * 20 + [429]


async def test_an_account_gets_at_most_five_links_an_hour_by_mail(user, make_visitor, inbox):
    await (await make_visitor()).register("bob@example.com")
    for number in range(5):
        await user.post("/account/email", {"new_email": f"ann{number}@example.net", "email_password": PASSWORD})
    refused = await user.post("/account/email", {"new_email": "ann9@example.net", "email_password": PASSWORD})
    assert refused.status_code == 429 and "Too many links sent" in text_of(refused.text)

    assert (await ask_for_link(await make_visitor("10.0.3.1"))).status_code == 303, "the answer is the same"
    await ask_for_link(await make_visitor("10.0.3.2"), "bob@example.com")
    await wait_for_mail(inbox, "bob@example.com")  # the outbox runs its errands in order: ann's came first
    subjects = [message["Subject"] for message in inbox.to("ann@example.com")]
    assert subjects == ["Your FlickList address is being changed"] * 5, "no sixth link within the hour"


async def test_a_second_factor_is_still_asked_after_a_reset(user, visitor, inbox, monkeypatch):
    stopped = (int(time.time()) // 30 + 1) * 30 + 10.0
    monkeypatch.setattr(time, "time", lambda: stopped)
    page = (await user.get("/account/totp")).text
    secret = page.split('<code class="secret">', 1)[1].split("<", 1)[0]
    assert (await user.post("/account/totp", {"code": pyotp.TOTP(secret).now()})).status_code == 200

    await ask_for_link(visitor)
    response, _ = await set_password(visitor, link_in(await wait_for_mail(inbox, "ann@example.com")))
    assert response.headers["location"] == "/login"
    logged_in = await visitor.login("ann@example.com", NEW_PASSWORD)
    assert logged_in.headers["location"] == "/login/verify", "the new password alone does not log in"
    assert (await visitor.get("/")).headers["location"] == "/login"


async def test_without_mail_the_page_says_to_ask_the_admin(make_settings_app, visitor_of):
    visitor = await visitor_of(await make_settings_app())
    page = text_of((await visitor.get("/password/forgot")).text)
    assert "This FlickList sends no mail. Ask its admin for a link to set a new password" in page
    assert "Send me a link" not in page
