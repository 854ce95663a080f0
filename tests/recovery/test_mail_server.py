"""FLICKLIST_SMTP_URL against real SMTP servers on 127.0.0.1: plain, STARTTLS when offered,
TLS from the first byte (smtps), with the login the URL carries; the settings refused; and the
outbox's tries again, which hold up no other mail."""

import time

import anyio
import pytest
from smtp_server import SelfSignedCertificate, SMTPServer, bodies, wait_for_mail

from flicklist.mail.messages import compose
from flicklist.mail.outbox import RETRY_PAUSES, Outbox
from flicklist.mail.smtp import send
from flicklist.settings import InvalidSetting, load_settings, parse_smtp_url


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> SelfSignedCertificate:
    return SelfSignedCertificate(tmp_path_factory.mktemp("tls"))


def a_message(to: str = "ann@example.com"):
    return compose(
        "FlickList <flicklist@example.org>",
        to,
        "Set a new FlickList password",
        "password_reset",
        link="https://films.example.org/password/reset/1.abc",
        lasts="1 hour",
        origin="https://films.example.org",
    )


@pytest.mark.parametrize(("tls", "over_tls"), [(None, False), ("starttls", True), ("implicit", True)])
def test_mail_goes_out_encrypted_whenever_the_server_can(certificate, tls, over_tls):
    server = SMTPServer(tls, certificate)
    try:
        url = server.url.replace("://", "://mailer%40example.org:mail%20password@")
        send(parse_smtp_url(url), a_message(), certificate.client_context())
    finally:
        server.stop()
    [received] = server.inbox.messages
    assert server.inbox.over_tls == [over_tls]
    assert server.inbox.logins == ["mailer@example.org"], "the URL's user and password, percent-decoded"
    plain, html = bodies(received)
    assert "https://films.example.org/password/reset/1.abc" in plain
    assert '<a href="https://films.example.org/password/reset/1.abc">' in html


def test_a_server_whose_certificate_is_not_trusted_gets_nothing(certificate):
    server = SMTPServer("starttls", certificate)
    try:
        with pytest.raises(OSError, match="CERTIFICATE_VERIFY_FAILED"):
            send(parse_smtp_url(server.url), a_message())
    finally:
        server.stop()
    assert server.inbox.messages == []


def test_the_url_names_the_server():
    assert repr(parse_smtp_url("smtps://me:secret@mail.example.org")) == "MailServer(smtps://me:…@mail.example.org:465)"
    assert parse_smtp_url("smtp://mail.example.org").port == 25
    assert parse_smtp_url("smtp://mail.example.org:587").port == 587


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"SMTP_URL": "mail.example.org"}, "must start smtp:// or smtps://"),
        ({"SMTP_URL": "smtp://mail.example.org:99999", "MAIL_FROM": "a@b.c"}, "port that is not a number"),
        ({"SMTP_URL": "smtp://"}, "names no host"),
        ({"SMTP_URL": "smtp://mail.example.org"}, "FLICKLIST_MAIL_FROM must say whom mail comes from"),
        ({"VERIFY_EMAIL": "true"}, "FLICKLIST_VERIFY_EMAIL needs FLICKLIST_SMTP_URL"),
        # Mailed links must not start from a request's Host, which anyone sending it chooses.
        ({"SMTP_URL": "smtp://m.example.org", "MAIL_FROM": "a@b.c"}, "FLICKLIST_PUBLIC_ORIGIN must say the site's"),
        (
            {
                "SMTP_URL": "smtp://m.example.org",
                "MAIL_FROM": "a@b.c",
                "PUBLIC_ORIGIN": "https://flicks.example",
                "UNVERIFIED_DAYS": "0",
            },
            "FLICKLIST_UNVERIFIED_DAYS must be 1 or more",
        ),
    ],
)
def test_mail_settings_that_cannot_work_are_refused_at_start(tmp_path, environment, message):
    environ = {
        "FLICKLIST_DATA_DIR": str(tmp_path),
        **{f"FLICKLIST_{name}": value for name, value in environment.items()},
    }
    with pytest.raises(InvalidSetting, match=message):
        load_settings(environ)


def errand_for(to: str):
    """What a page posts to the outbox: it answers the message to send."""

    async def errand():
        return a_message(to)

    return errand


@pytest.mark.slow
async def test_a_mail_refused_for_good_is_given_up_and_one_to_try_again_holds_up_none_behind_it():
    server = SMTPServer()
    server.inbox.refusals = {"gone@example.com": ["550 No such mailbox"], "busy@example.com": ["451 Try again later"]}
    outbox = Outbox(parse_smtp_url(server.url))
    try:
        async with anyio.create_task_group() as running:
            running.start_soon(outbox.run)
            started = time.monotonic()
            for to in ("gone@example.com", "busy@example.com", "ann@example.com"):
                outbox.post(errand_for(to))
            await wait_for_mail(server.inbox, "ann@example.com")
            assert time.monotonic() - started < RETRY_PAUSES[0], "the mail behind waited for the retry"
            await wait_for_mail(server.inbox, "busy@example.com", timeout=RETRY_PAUSES[0] + 10)
            assert time.monotonic() - started >= RETRY_PAUSES[0]
            running.cancel_scope.cancel()
    finally:
        server.stop()
    assert server.inbox.to("gone@example.com") == []
    assert server.inbox.tries == {"gone@example.com": 1, "busy@example.com": 2, "ann@example.com": 1}
