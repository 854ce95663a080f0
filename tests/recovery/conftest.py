"""Fixtures for account recovery: a real SMTP server on 127.0.0.1 for each test, and the app
sending its mail there (FLICKLIST_SMTP_URL); sign-ups unlimited, since stories here make several."""

import pytest
from smtp_server import SMTPServer
from support import make_settings

MAIL_FROM = "FlickList <flicklist@example.org>"
PUBLIC_ORIGIN = "http://testserver"  # the test client's origin, which mailed links start from


@pytest.fixture
def smtp_server():
    server = SMTPServer()
    yield server
    server.stop()


@pytest.fixture
def inbox(smtp_server):
    return smtp_server.inbox


@pytest.fixture
def settings(request, database_url, smtp_server):
    """The app's settings: mail to the test's server, and what a test's `settings` mark adds
    (`@pytest.mark.settings(verify_email="true")`)."""
    marked = request.node.get_closest_marker("settings")
    environment = marked.kwargs if marked else {}
    return make_settings(
        database_url,
        smtp_url=smtp_server.url,
        mail_from=MAIL_FROM,
        public_origin=PUBLIC_ORIGIN,
        signups_per_hour="0",
        **environment,
    )
