"""CSRF protection: a post without the session's token, or marked cross-site by the browser,
is refused and changes nothing."""

from dataclasses import replace

import pytest
from httpx import ASGITransport, AsyncClient
from support import Visitor

from flicklist.app import create_app


async def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(user):
    response = await user.client.post("/movies", data={"title": "Heat"})
    assert response.status_code == 403
    assert "This form has expired or did not come from FlickList." in response.text
    assert 'class="movie"' not in (await user.get("/")).text


async def test_a_post_with_a_wrong_token_is_refused(user):
    response = await user.client.post("/movies", data={"title": "Heat", "csrf_token": "forged"})
    assert response.status_code == 403


async def test_htmx_sends_the_token_in_a_header(user):
    response = await user.client.post(
        "/movies", data={"title": "Heat"}, headers={"HX-Request": "true", "X-CSRF-Token": user.csrf_token}
    )
    assert response.status_code == 200
    assert ">Heat</a>" in (await user.get("/")).text


async def test_the_login_form_needs_the_token_too(user):
    await user.logout()
    response = await user.client.post("/login", data={"email": "ann@example.com", "password": "x" * 20})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
    ],
)
async def test_a_cross_site_post_is_refused_even_with_the_token(user, headers):
    response = await user.post("/movies", {"title": "Heat"}, headers=headers)
    assert response.status_code == 403
    assert "Cross-site form posts are refused." in response.text


@pytest.mark.parametrize("headers", [{"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://testserver"}])
async def test_a_same_origin_post_is_accepted(user, headers):
    assert (await user.post("/movies", {"title": "Heat"}, headers=headers)).status_code == 303


async def test_behind_a_proxy_the_origin_is_compared_with_the_configured_public_origin(settings):

    app = create_app(replace(settings, public_origin="https://flicks.example"))
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver") as client,
    ):
        visitor = Visitor(client)
        refused = await visitor.register("ann@example.com", headers={"Origin": "http://testserver"})
        assert refused.status_code == 403
        accepted = await visitor.register("ann@example.com", headers={"Origin": "https://flicks.example"})
        assert accepted.headers["location"] == "/"


# The cases of Go's net/http CrossOriginProtection tests, as they apply to one site.
@pytest.mark.parametrize(
    ("method", "headers", "allowed"),
    [
        ("GET", {"Sec-Fetch-Site": "cross-site"}, True),
        ("POST", {"Sec-Fetch-Site": "same-origin"}, True),
        ("POST", {"Sec-Fetch-Site": "none"}, True),
        ("POST", {"Sec-Fetch-Site": "cross-site"}, False),
        ("POST", {"Sec-Fetch-Site": "same-site"}, False),
        ("POST", {}, True),
        ("POST", {"Origin": "http://testserver"}, True),
        ("POST", {"Origin": "https://testserver"}, False),
        ("POST", {"Origin": "http://testserver:8080"}, False),
        ("POST", {"Origin": "http://evil.example"}, False),
        ("POST", {"Origin": "null"}, False),
        ("POST", {"Sec-Fetch-Site": "same-origin", "Origin": "http://evil.example"}, True),
    ],
)
async def test_cross_origin_protection_follows_gos_rules(user, method, headers, allowed):
    if method == "GET":
        response = await user.client.get("/", headers=headers)
        assert response.status_code == 200
        return
    response = await user.post("/movies", {"title": "Heat"}, headers=headers)
    assert (response.status_code != 403) is allowed
