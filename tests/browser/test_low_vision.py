"""What a keyboard or low-vision user meets (issue 37): no page scrolls sideways at 320 px,
each half star is a 24 px target, empty stars differ from given ones by shape, the catalog's
list is no Tab stop and closes when the field is left, the rating's error is tied to its
group, and a sign-up refused without JavaScript marks the field in error."""

import re

from browser_support import DESKTOP, FILM_PAGE, LOG_FORM, emails, open_page, register
from playwright.async_api import expect
from support import PASSWORD

NARROWEST = {"width": 320, "height": 640}


async def new_page(browser, server, viewport):
    context = await browser.new_context(base_url=server.url, viewport=viewport)
    return await context.new_page()


async def a_watched_film_rated_four(page) -> None:
    await page.get_by_label("Movie title").fill("Heat")
    await page.get_by_role("button", name="Add to watchlist").click()
    await page.get_by_role("button", name="I watched it! (Heat)").click()
    await expect(page.get_by_role("button", name="I watched it! (Heat)")).to_have_count(0)
    await page.goto("/watched")
    async with page.expect_response(re.compile(r"/rating$")) as rated:
        await page.locator("label[for$='-8']").click()
    assert (await rated.value).ok
    await page.reload()
    await expect(page.locator("input[name=rating][value='4']")).to_be_checked()


async def scrolls_sideways(page) -> bool:
    return await page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def luminance(rgb: str) -> float:
    channels = [int(part) / 255 for part in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


async def test_no_page_scrolls_sideways_at_320_or_1280_px(browser, live_server):
    page = await new_page(browser, live_server, NARROWEST)

    async def assert_fits(path: str) -> None:
        await page.goto(path)
        for viewport in (NARROWEST, DESKTOP):
            await page.set_viewport_size(viewport)
            assert not await scrolls_sideways(page), (viewport, path)

    for path in ("/login", "/register", "/password/forgot"):
        await assert_fits(path)
    await register(page, next(emails))
    await a_watched_film_rated_four(page)
    await page.get_by_role("link", name="Heat", exact=True).click()
    await expect(page).to_have_url(FILM_PAGE)
    film = page.url
    await page.get_by_role("link", name="Log a viewing").click()
    await expect(page).to_have_url(LOG_FORM)
    log_form = page.url
    await page.goto("/lists")
    await page.get_by_label("Name").fill("A ranked list with a long enough name to wrap")
    await page.get_by_label("Ranked").check()
    await page.get_by_role("button", name="Make the list").click()
    await page.get_by_label("Movie title").fill("The Man Who Shot Liberty Valance")
    await page.get_by_role("button", name="Add to this list").click()
    await expect(page.locator(".list-entry")).to_have_count(1)
    own_list = page.url.split("#")[0]
    pages = ("/", "/watched", "/diary", "/account", "/account/media-servers", "/account/api-tokens", "/pick", "/stats")
    for path in (*pages, "/share", "/lists", own_list, film, log_form):
        await assert_fits(path)


async def test_each_half_star_is_at_least_24_px_square_on_watched_and_the_log_form(browser, live_server):
    page = await new_page(browser, live_server, {"width": 360, "height": 780})
    await register(page, next(emails))
    await a_watched_film_rated_four(page)
    assert not await scrolls_sideways(page), "a Watched row fits a 360 px phone"
    sizes = {
        "/watched": await page.locator(".stars label").evaluate_all(
            "labels => labels.map(label => [label.getBoundingClientRect().width, label.getBoundingClientRect().height])"
        )
    }
    await page.get_by_role("link", name="Heat", exact=True).click()
    await page.get_by_role("link", name="Log a viewing").click()
    await page.wait_for_url(LOG_FORM)  # loaded: its styles size the stars
    sizes["the log form"] = await page.locator(".stars label").evaluate_all(
        "labels => labels.map(label => [label.getBoundingClientRect().width, label.getBoundingClientRect().height])"
    )
    for where, boxes in sizes.items():
        assert len(boxes) == 10, where
        assert all(width >= 24 and height >= 24 for width, height in boxes), (where, boxes)
    await page.get_by_label("4 stars").focus()
    await page.keyboard.press("ArrowRight")
    await expect(page.get_by_label("4.5 stars")).to_be_checked()


async def test_an_empty_star_is_an_outline_a_given_one_filled_and_a_shown_rating_says_its_number(browser, live_server):
    for scheme in ("light", "dark"):
        context = await browser.new_context(base_url=live_server.url, color_scheme=scheme)
        page = await context.new_page()
        await register(page, next(emails))
        await a_watched_film_rated_four(page)
        star = "star => [getComputedStyle(star).color, getComputedStyle(star).webkitTextStrokeWidth,"
        star += " getComputedStyle(star).webkitTextStrokeColor]"
        given = await page.locator("label[for$='-8']").evaluate(star)
        empty = await page.locator("label[for$='-10']").evaluate(star)
        card = await page.locator(".movie").first.evaluate(
            "row => getComputedStyle(row.closest('.card') || document.body).backgroundColor"
        )
        assert given[0].startswith("rgb("), ("a given star is filled", scheme, given)
        assert empty[0] == "rgba(0, 0, 0, 0)", ("an empty star is not filled", scheme, empty)
        assert float(empty[1].removesuffix("px")) >= 1, ("an empty star has an outline", scheme, empty)
        assert contrast(empty[2], card) >= 3, ("the outline stands out from the page", scheme, empty, card)
        await page.goto("/diary")
        shown = page.locator(".stars-shown").first
        await expect(shown).to_have_attribute("aria-label", "rated 4 stars")
        await expect(shown).to_have_text("★★★★ 4")
        await context.close()


async def test_tab_from_the_film_field_goes_to_the_add_button_and_closes_the_list(browser, catalog_server):
    page = await new_page(browser, catalog_server, DESKTOP)
    await register(page, next(emails))
    field = page.get_by_role("combobox", name="Movie title")
    await field.press_sequentially("dune")
    await expect(page.locator("#film-options").get_by_role("option")).to_have_count(3)
    await expect(field).to_have_attribute("aria-expanded", "true")
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("button", name="Add to watchlist")).to_be_focused()
    await expect(field).to_have_attribute("aria-expanded", "false")
    await expect(page.locator("#film-options")).to_be_hidden()
    await field.focus()
    await field.press_sequentially(" ")
    await expect(field).to_have_attribute("aria-expanded", "true")
    await page.locator("#film-options").get_by_role("option").first.click()
    await expect(field).to_have_value(re.compile("Dune"))


async def test_the_log_forms_rating_shows_its_name_and_its_error_is_tied_to_the_group(browser, live_server):
    page = await new_page(browser, live_server, DESKTOP)
    await register(page, next(emails))
    await a_watched_film_rated_four(page)
    await page.get_by_role("link", name="Heat", exact=True).click()
    await page.get_by_role("link", name="Log a viewing").click()
    group = page.get_by_role("group", name="Your rating")
    await expect(group.locator("legend")).to_be_visible()
    box = await group.locator("legend").bounding_box()
    assert box["width"] > 20 and box["height"] > 10, "the legend is seen, not only heard"
    # A rating the form does not offer, as a stale or hand-made form would send.
    await page.locator("#rating-log-3").evaluate("input => { input.value = '7'; input.checked = true; }")
    await page.get_by_role("button", name="Log it").click()
    group = page.get_by_role("group", name="Your rating")
    await expect(group).to_have_attribute("aria-invalid", "true")
    await expect(group).to_have_accessible_description(re.compile(r"\S"))
    error_id = await group.get_attribute("aria-describedby")
    await expect(page.locator(f"#{error_id}")).to_be_visible()


async def test_a_sign_up_refused_without_javascript_marks_and_focuses_the_password(browser, live_server):
    page, _ = await open_page(browser, live_server, javascript=False)
    await page.goto("/register")
    await page.get_by_label("Email").fill(next(emails))
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_label("Password again").fill(PASSWORD + "x")
    await page.get_by_role("button", name="Create account").click()
    password = page.get_by_label("Password", exact=True)
    await expect(password).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#password-error")).to_contain_text("Passwords did not match")
    await expect(password).to_be_focused()
    await expect(page.get_by_label("Email")).not_to_have_attribute("autofocus", "")


async def test_every_tab_stop_in_the_date_field_calendar_button_too_shows_the_focus_ring(browser, live_server):
    page = await new_page(browser, live_server, DESKTOP)
    await register(page, next(emails))
    await a_watched_film_rated_four(page)
    await page.get_by_role("link", name="Heat", exact=True).click()
    await page.get_by_role("link", name="Log a viewing").click()
    await page.wait_for_url(LOG_FORM)  # loaded: its styles draw the rings, its scripts place no focus later
    await page.get_by_label("Date watched").focus()
    rings = []
    while await page.evaluate("document.activeElement.id") == "watched_on":
        rings.append(await page.get_by_label("Date watched").evaluate("field => getComputedStyle(field).outlineStyle"))
        await page.keyboard.press("Tab")
    assert len(rings) >= 4 and set(rings) == {"solid"}, "day, month, year and the calendar button: " + str(rings)
