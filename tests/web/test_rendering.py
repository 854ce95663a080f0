"""HTMX requests get the fragment that changes and the flash banner out-of-band, never a full page."""

import html
import json
import re
import struct

from support import PASSWORD, flashes, text_of, texts_of_class

from flicklist.auth import PASSWORDS_DIFFER

FLASH_OOB = (
    '<div id="flash" class="flash-banner" role="status" aria-live="polite" tabindex="-1" hx-swap-oob="innerHTML">'
)


def assert_fragment(html: str) -> None:
    assert "<html" not in html and "<body" not in html
    assert FLASH_OOB in html


async def test_adding_returns_a_fresh_form_the_new_row_and_the_banner(user):
    on_the_watchlist = {"HX-Current-URL": "http://testserver/"}
    response = await user.post("/movies", {"title": "Heat"}, htmx=True, headers=on_the_watchlist)
    assert response.status_code == 200
    assert_fragment(response.text)
    assert re.search(r'<form id="add-form"[^>]*hx-post="/movies"', response.text)
    assert 'name="title" type="text" value=""' in response.text
    assert (
        '<div hx-swap-oob="afterbegin:#watchlist"><li class="movie" id="movie-1" data-place-before="">' in response.text
    )
    assert flashes(response.text) == ["Added 'Heat' to your watchlist."]
    assert ">Heat</a>" in (await user.get("/")).text


async def test_a_refused_title_comes_back_in_the_form_with_the_error_beside_it(user):
    response = await user.add("gigli", htmx=True)
    assert response.status_code == 422
    assert_fragment(response.text)
    assert 'value="gigli"' in response.text
    assert 'aria-invalid="true"' in response.text
    refusal = "Trust me, you don't want to add 'gigli' to your watchlist."
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
    assert response.text.startswith('<li class="movie" id="movie-')
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
    assert f'<p class="field-error" id="password-error">{PASSWORDS_DIFFER}</p>' in response.text
    assert 'id="password" name="password" type="password" value=""' in response.text, "no password comes back"
    assert re.search(r'id="password"[^>]* autofocus', response.text) and not re.search(
        r'id="email"[^>]* autofocus', response.text
    )
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
    assert "<html" not in response.text and "<!doctype" not in response.text.lower(), "a fragment, not a page"
    assert response.text.lstrip().startswith('<form id="login-form"')
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
            if 'method="get"' in form.group():
                assert f'hx-get="{action}"' in form.group()
                continue
            assert 'method="post"' in form.group()
            in_boosted_list = any(start < form.start() < end for start, end in boosted)
            assert in_boosted_list or f'hx-post="{action}"' in form.group()


MARKUP = '<i id="typed">x</i>"\'&amp;'


def assert_shown_as_text(page: str, where: str) -> None:
    assert '<i id="typed">' not in page, f"markup typed by the user became markup on {where}"
    assert MARKUP in html.unescape(page), f"what was typed is not shown as typed on {where}"


async def test_what_a_user_typed_is_never_rendered_raw_anywhere(make_visitor):
    """Every place typed text comes back: both lists, the banner, form values kept after a
    refusal (plain and HTMX), the sign-in forms, the account page."""
    ann = await make_visitor()
    refused = await ann.register(MARKUP, htmx=True)
    assert_shown_as_text(refused.text, "the register form (HTMX)")
    await ann.register(MARKUP)
    assert_shown_as_text((await ann.get("/register")).text, "the register form kept after a refusal")
    assert_shown_as_text((await ann.login(MARKUP, htmx=True)).text, "the login form (HTMX)")
    await ann.login(MARKUP)
    assert_shown_as_text((await ann.get("/login")).text, "the login form kept after a refusal")

    email = "o'brien&co@example.com"
    await ann.register(email)
    home = (await ann.get("/")).text
    assert "o&#39;brien&amp;co@example.com" in home and email in text_of(home), "the email in the header"
    assert email in text_of((await ann.get("/account")).text)

    added = await ann.add(MARKUP, htmx=True)
    assert_shown_as_text(added.text, "the added row and its banner (HTMX)")
    assert_shown_as_text((await ann.get("/")).text, "the watchlist")
    await ann.add(MARKUP)
    page = (await ann.get("/")).text
    assert_shown_as_text(page, "the add form kept after a refusal, and its banner")
    kept = re.search(r'name="title"[^>]*value="([^"]*)"', page)
    assert kept and html.unescape(kept.group(1)) == MARKUP, "the refused title comes back in its field"
    movie = re.search(r'action="/movies/(\d+)/watched"', page).group(1)
    await ann.post(f"/movies/{movie}/watched")
    await ann.post(f"/movies/{movie}/rating", {"rating": "4"})
    assert_shown_as_text((await ann.get("/watched")).text, "the watched list")
    rated = await ann.post(f"/movies/{movie}/rating", {"rating": "5"}, htmx=True)
    assert_shown_as_text(rated.text, "a re-rated row (HTMX)")


async def test_the_app_installs_on_a_home_screen_with_icons_and_no_service_worker(user):
    page = (await user.get("/")).text
    assert '<link rel="manifest" href="/static/manifest.webmanifest">' in page
    assert '<meta name="theme-color" content="#f7f5f2" media="(prefers-color-scheme: light)">' in page
    assert '<meta name="theme-color" content="#16141a" media="(prefers-color-scheme: dark)">' in page
    response = await user.get("/static/manifest.webmanifest")
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(response.text)
    assert (manifest["name"], manifest["start_url"], manifest["display"]) == ("FlickList", "/", "standalone")
    sizes = set()
    for icon in manifest["icons"]:
        image = await user.get(icon["src"])
        assert image.status_code == 200 and image.headers["content-type"] == icon["type"]
        if icon["type"] == "image/png":
            width, height = struct.unpack(">II", image.content[16:24])  # the PNG's IHDR
            assert f"{width}x{height}" == icon["sizes"]
            sizes.add(width)
    assert {192, 512} <= sizes
    touch = await user.get("/static/icons/apple-touch-icon.png")
    assert struct.unpack(">II", touch.content[16:24]) == (180, 180)
    assert "serviceWorker" not in (await user.get("/static/app.js")).text
