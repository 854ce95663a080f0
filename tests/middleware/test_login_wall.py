"""The login wall: only the sign-in pages, static files and the health check are open."""

import pytest


@pytest.mark.parametrize(("path", "location"), [("/", "/login"), ("/watched", "/login?next=/watched")])
async def test_a_visitor_is_sent_to_login(visitor, path, location):
    response = await visitor.get(path)
    assert (response.status_code, response.headers["location"]) == (303, location)


async def test_a_post_from_a_visitor_changes_nothing_and_goes_to_login(visitor):
    response = await visitor.add("Heat")
    assert (response.status_code, response.headers["location"]) == (303, "/login?next=/movies")


async def test_an_htmx_request_from_a_visitor_redirects_the_whole_page_to_login(visitor):
    response = await visitor.add("Heat", htmx=True)
    assert response.status_code == 401
    assert response.headers["hx-redirect"] == "/login?next=/watched"
    assert "<form" not in response.text


@pytest.mark.parametrize("path", ["/login", "/register", "/healthz", "/static/htmx.min.js", "/static/app.css"])
async def test_the_open_paths_need_no_login(visitor, path):
    assert (await visitor.get(path)).status_code == 200


async def test_a_logged_in_page_shows_the_email_and_log_out_and_hides_sign_in_links(user, visitor):
    page = (await user.get("/")).text
    assert "ann@example.com" in page and 'action="/logout"' in page
    assert 'href="/login"' not in page
    anonymous = (await visitor.get("/login")).text
    assert 'href="/login"' in anonymous and 'href="/register"' in anonymous and "Log out" not in anonymous
