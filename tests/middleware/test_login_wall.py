"""The login wall: only the sign-in pages, share links, static files and the health check are
open, and the paths that carry their own credential (the API's bearer token), which answer
for themselves (tests/api/)."""

import re

import pytest
from starlette.routing import Mount, Route
from support import text_of

from flicklist.app import TOKEN_PREFIXES
from flicklist.auth import OPEN_PATHS
from flicklist.auth import OPEN_PREFIXES as SESSION_OPEN_PREFIXES
from flicklist.tables import movies

OPEN_PREFIXES = (*SESSION_OPEN_PREFIXES, *TOKEN_PREFIXES)


def walled_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every route the app has but the documented open ones, path parameters filled in."""
    found = []
    for route in app.routes:
        if isinstance(route, Mount):
            assert f"{route.path}/" in OPEN_PREFIXES, f"{route.path} is a mount the wall does not know"
            continue
        assert isinstance(route, Route)
        if route.path.startswith(OPEN_PREFIXES):
            continue
        path = re.sub(r"\{\w+:row_id\}", "1", route.path)
        found += [(method, path) for method in sorted(route.methods - {"HEAD"}) if path not in OPEN_PATHS]
    return found


async def test_a_visitor_is_sent_to_login_from_every_route_but_the_open_ones(visitor, app):
    await visitor.get("/login")
    walled = walled_routes(app)
    assert ("POST", "/movies/restore") in walled and ("GET", "/account") in walled
    for method, path in walled:
        response = await visitor.client.request(method, path, data={"csrf_token": visitor.csrf_token, "title": "Heat"})
        # After logging in, a page comes back; a form's action is no page to return to.
        expected = "/login" if path == "/" or method == "POST" else f"/login?next={path}"
        assert (response.status_code, response.headers["location"]) == (303, expected), (method, path)
    async with app.state.db.engine.connect() as connection:
        assert (await connection.execute(movies.select())).all() == []


async def test_a_post_from_a_visitor_changes_nothing_and_goes_to_login_then_back_to_its_page(visitor):
    response = await visitor.post("/movies", {"title": "Heat"}, headers={"Referer": "http://testserver/watched"})
    assert (response.status_code, response.headers["location"]) == (303, "/login?next=/watched")


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


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/watched", "Log in to see your watched films."),
        ("/diary", "Log in to see your diary."),
        ("/account/totp", "Log in to see your account."),
        ("/movies/7/log", "Log in to see that page."),
    ],
)
async def test_the_login_page_says_what_a_visitor_turned_away_logs_in_for(visitor, path, said):
    turned_away = await visitor.get(path)
    login = await visitor.get(turned_away.headers["location"])
    assert said in text_of(login.text)
    assert "Log in to see" not in text_of((await visitor.get("/login")).text), "a plain visit to log in needs no reason"


async def test_a_click_after_the_session_ended_elsewhere_goes_to_log_in_whatever_its_token(user):
    await user.add("Heat")
    movie_id = await user.movie_id("Heat")
    token_of_the_old_page = user.csrf_token
    await user.logout()  # in another tab: this browser's session is over
    headers = {"HX-Request": "true", "HX-Current-URL": "http://testserver/", "X-CSRF-Token": token_of_the_old_page}
    htmx_click = await user.client.post(f"/movies/{movie_id}/watched", headers=headers)
    assert (htmx_click.status_code, htmx_click.headers["hx-redirect"]) == (401, "/login")
    plain_form = await user.client.post(
        f"/movies/{movie_id}/delete",
        data={"csrf_token": token_of_the_old_page},
        headers={"Referer": "http://testserver/watched"},
    )
    assert (plain_form.status_code, plain_form.headers["location"]) == (303, "/login?next=/watched")
