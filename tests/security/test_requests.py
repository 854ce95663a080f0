"""Requests and responses: headers, redirects, and random input that must never cause a 500."""

import itertools
import re
import secrets
import string
from dataclasses import replace

import pytest
from httpx import ASGITransport, AsyncClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from starlette.routing import Route
from support import csrf_token_in, flashes, text_of

from flicklist.app import create_app
from flicklist.tables import movies, users


async def test_every_response_carries_the_security_headers(user):
    for path in ("/", "/login", "/static/app.css", "/no-such-page"):
        headers = (await user.get(path)).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in headers, "no HSTS over plain HTTP"


async def test_hsts_and_secure_cookies_when_served_over_https(settings):

    app = create_app(replace(settings, https_only=True))
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="https://testserver") as client,
    ):
        response = await client.get("/login")
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert "secure" in response.headers["set-cookie"].lower()


async def test_pages_have_no_inline_scripts_or_styles(user):
    page = (await user.get("/")).text
    assert re.findall(r"<script[^>]*>", page) == [
        '<script src="/static/htmx.min.js" defer>',
        '<script src="/static/app.js" defer>',
    ]
    assert "style=" not in page and "<style" not in page


form_values = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=string.printable, max_size=50),
    st.sampled_from(["", " ", "0", "-1", "6", "1e9", "\x00", "%", "é", "<b>", "'; DROP TABLE movies; --"]),
)
routes = st.sampled_from(["/movies", "/register", "/login", "/account/password", "/account/delete"])


addresses = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count(1))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    route=routes,
    fields=st.dictionaries(
        st.sampled_from(["title", "email", "password", "verify", "rating", "current", "confirm", "next"]), form_values
    ),
)
async def test_random_form_input_never_causes_a_server_error(make_visitor, route, fields):
    """Each example from a new browser at a new address with a new account, so no example
    meets only the throttle's 429 that earlier ones earned."""
    visitor = await make_visitor(address=next(addresses))
    email = f"{secrets.token_hex(6)}@example.com"
    assert (await visitor.register(email)).headers["location"] == "/"
    await visitor.get("/account")
    response = await visitor.post(route, fields)
    assert response.status_code < 500, response.text
    assert response.status_code != 429
    assert "Traceback" not in response.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(st.binary(max_size=2000), st.text(max_size=300).map(lambda text: f"title={text}".encode())),
    content_type=st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz",
            "application/json",
            "text/plain",
            "multipart/form-data",
        ]
    ),
    route=st.sampled_from(["/movies", "/register", "/movies/restore"]),
)
async def test_random_bytes_never_cause_a_server_error_nor_a_stored_row(user, app, body, content_type, route):
    """Sent with the CSRF token, so the body reaches the route: refused, it leaves no row behind."""
    before = await count_rows(app)
    response = await user.client.post(
        route, content=body, headers={"Content-Type": content_type, "X-CSRF-Token": user.csrf_token}
    )
    assert response.status_code < 500
    after, shown = await count_rows(app), flashes((await user.get("/")).text)
    if after != before:
        assert route == "/movies" and after == (before[0], before[1] + 1), "only an add may store a row, one"
        assert shown and shown[-1].startswith("Added '"), "and only when it says it added it"


async def count_rows(app) -> tuple[int, int]:
    async with app.state.db.engine.connect() as connection:
        return (
            (await connection.execute(select(func.count()).select_from(users))).scalar_one(),
            (await connection.execute(select(func.count()).select_from(movies))).scalar_one(),
        )


@pytest.mark.parametrize(
    "path", ["/movies/0/watched", "/movies/-1/watched", "/movies/1.5/rating", "/movies/%00/delete"]
)
async def test_odd_movie_ids_are_404(user, path):
    assert (await user.post(path)).status_code == 404


async def test_an_unexpected_error_is_a_500_page_with_the_security_headers_and_no_csrf_token(user, app):
    async def broken(request):
        raise RuntimeError("a bug")

    app.router.routes.append(Route("/broken", broken))
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://testserver", cookies=user.client.cookies) as client:
        for htmx in (False, True):
            response = await client.get("/broken", headers={"HX-Request": "true"} if htmx else {})
            assert response.status_code == 500
            assert "Something went wrong on our side." in text_of(response.text)
            assert "a bug" not in response.text and "Traceback" not in response.text
            assert "script-src 'self'" in response.headers["content-security-policy"]
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["cache-control"] == "no-store"
            assert user.csrf_token not in response.text and csrf_token_in(response.text) in (None, "")
