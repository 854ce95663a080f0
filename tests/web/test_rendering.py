"""HTMX requests get the fragment that changes and the flash banner out-of-band, never a full page."""

import re

from support import PASSWORD, flashes, texts_of_class

FLASH_OOB = (
    '<div id="flash" class="flash-banner" role="status" aria-live="polite" tabindex="-1" hx-swap-oob="innerHTML">'
)


def assert_fragment(html: str) -> None:
    assert "<html" not in html and "<body" not in html
    assert FLASH_OOB in html


async def test_adding_returns_a_fresh_form_the_new_row_and_the_banner(user):
    response = await user.add("Heat", htmx=True)
    assert response.status_code == 200
    assert_fragment(response.text)
    assert re.search(r'<form id="add-form"[^>]*hx-post="/movies"', response.text)
    assert 'name="title" type="text" value=""' in response.text
    assert '<div hx-swap-oob="beforeend:#watchlist"><li class="movie">' in response.text
    assert flashes(response.text) == ["Added 'Heat' to your watchlist."]
    assert "Heat</span>" in (await user.get("/")).text


async def test_a_refused_title_comes_back_in_the_form_with_the_error_beside_it(user):
    response = await user.add("gigli", htmx=True)
    assert response.status_code == 422
    assert_fragment(response.text)
    assert 'value="gigli"' in response.text
    assert 'aria-invalid="true"' in response.text
    refusal = "Trust me, you don't want to add 'gigli' to your Watchlist"
    assert texts_of_class(response.text, "field-error") == [refusal]
    assert 'id="title-error"' in response.text
    assert '<div class="flash flash-error"><span class="flash-text">Trust me' in response.text


async def test_crossing_off_removes_the_row_and_flashes(user):
    await user.add("Heat")
    movie_id = await user.movie_id("Heat")
    response = await user.post(f"/movies/{movie_id}/watched", htmx=True)
    assert response.status_code == 200
    assert_fragment(response.text)
    assert response.text.startswith(FLASH_OOB), "nothing but the banner: the row is swapped out"
    assert flashes(response.text) == ["Crossed off 'Heat'. Rate it on your Watched list."]


async def test_rating_returns_the_row_with_the_new_rating_checked(user):
    await user.add("Heat")
    movie_id = await user.movie_id("Heat")
    await user.post(f"/movies/{movie_id}/watched")
    response = await user.post(f"/movies/{movie_id}/rating", {"rating": "5"}, htmx=True)
    assert_fragment(response.text)
    assert response.text.startswith('<li class="movie">')
    assert f'action="/movies/{movie_id}/rating"' in response.text
    assert 'value="5" checked>' in response.text


async def test_deleting_returns_only_the_banner(user):
    await user.add("Heat")
    movie_id = await user.movie_id("Heat")
    response = await user.post(f"/movies/{movie_id}/delete", htmx=True)
    assert response.text.startswith(FLASH_OOB)
    assert flashes(response.text) == ["Deleted 'Heat'."]


async def test_register_errors_come_back_beside_the_fields_with_the_email_kept(visitor):
    response = await visitor.register("ann@example.com", verify="something else entirely", htmx=True)
    assert response.status_code == 422
    assert_fragment(response.text)
    assert '<form id="register-form"' in response.text
    assert 'value="ann@example.com"' in response.text
    assert '<p class="field-error" id="verify-error">Passwords did not match.</p>' in response.text
    assert PASSWORD not in response.text, "a password is never sent back"


async def test_register_login_and_logout_move_the_whole_page(visitor):
    registered = await visitor.register("ann@example.com", htmx=True)
    assert registered.headers["hx-redirect"] == "/"
    logged_out = await visitor.post("/logout", htmx=True)
    assert logged_out.headers["hx-redirect"] == "/login"
    logged_in = await visitor.login("ann@example.com", htmx=True)
    assert logged_in.headers["hx-redirect"] == "/"


async def test_a_failed_login_comes_back_in_the_form(visitor):
    response = await visitor.login("nobody@example.com", htmx=True)
    assert response.status_code == 422
    assert '<form id="login-form"' in response.text
    assert '<p class="field-error" id="password-error">Email or password is incorrect.</p>' in response.text


async def test_an_error_for_htmx_is_a_banner_that_leaves_the_target_alone(user):
    response = await user.post("/movies/999/delete", htmx=True)
    assert response.status_code == 404
    assert response.headers["hx-reswap"] == "none"
    assert response.text.startswith(FLASH_OOB)
    assert "That movie is not on your list." in response.text


async def test_every_form_works_with_and_without_javascript(user):
    await user.add("Heat")
    movie_id = await user.movie_id("Heat")
    await user.post(f"/movies/{movie_id}/watched")
    for page in ("/", "/watched"):
        html = (await user.get(page)).text
        boosted = [found.span() for found in re.finditer(r'<ul [^>]*hx-boost="true".*?</ul>', html, re.S)]
        forms = list(re.finditer(r"<form [^>]*>", html))
        assert forms and boosted
        for form in forms:
            action = re.search(r'action="([^"]+)"', form.group()).group(1)
            assert 'method="post"' in form.group()
            in_boosted_list = any(start < form.start() < end for start, end in boosted)
            assert in_boosted_list or f'hx-post="{action}"' in form.group()
