"""Lists of thousands in a real browser: pages loaded as the reader scrolls, sorts that Back
undoes, focus kept where the person was, ranges ticked with shift, a phone's first screen,
and the first-time problems of signing up and typing a title."""

import re

from browser_support import emails, open_page, register
from playwright.async_api import expect
from support import PASSWORD

PHONE = {"width": 390, "height": 844}


async def add_by_request(page, titles: list[str]) -> None:
    """Films added as the add form would, over the page's own session (fast: no typing)."""
    token = await page.locator('meta[name="csrf-token"]').get_attribute("content")
    for title in titles:
        response = await page.request.post("/movies", form={"title": title, "csrf_token": token}, max_redirects=0)
        assert response.status == 303


async def expect_rows(page, titles: list[str]) -> None:
    """The list shows these rows in this order, once static/app.js has put returned rows in place."""
    await expect(page.locator("#list li.movie .title")).to_have_text(titles)


async def back_to_a_page_read_again(page) -> None:
    """Back, then the page read again has loaded: its deferred scripts listen for the next Back
    (one pressed before they ran met no listener and left the view of the address before)."""
    async with page.expect_event("load"):
        await page.go_back()


async def test_scrolling_loads_the_next_rows_and_a_sort_is_a_url_back_undoes(browser, live_server):
    page, watcher = await open_page(browser, live_server)
    await register(page, next(emails))
    await add_by_request(page, [f"Film {n:03}" for n in range(1, 66)])
    await page.goto("/")
    await expect(page.locator("#list li.movie")).to_have_count(50)
    await page.locator("#show-more").scroll_into_view_if_needed()
    await expect(page.locator("#list li.movie")).to_have_count(65)
    await expect(page.locator("#show-more")).to_have_count(0)
    await expect(page.locator("#list li.movie .title").first).to_have_text("Film 065")

    await page.get_by_text("Sort and filter").click()
    await page.get_by_label("Sort by").select_option("title")
    await expect(page).to_have_url(f"{live_server.url}/?sort=title")
    await expect(page.locator("#list li.movie").first).to_contain_text("Film 001")
    await page.get_by_label("Find in this list").fill("film 04")
    await page.get_by_label("Find in this list").press("Enter")
    await expect(page.locator("#list li.movie")).to_have_count(10)
    await back_to_a_page_read_again(page)
    await expect(page).to_have_url(f"{live_server.url}/?sort=title")
    await expect(page.locator("#list li.movie").first).to_contain_text("Film 001")
    await back_to_a_page_read_again(page)
    await expect(page).to_have_url(f"{live_server.url}/")
    await expect(page.locator("#list li.movie").first).to_contain_text("Film 065")
    assert watcher.console_errors == []


async def test_after_crossing_off_focus_is_on_the_next_row_and_the_page_does_not_scroll(browser, live_server):
    page, watcher = await open_page(browser, live_server)
    await page.set_viewport_size(PHONE)
    await register(page, next(emails))
    await add_by_request(page, [f"Film {n:02}" for n in range(1, 21)])
    await page.goto("/")
    crossed = page.get_by_role("button", name="I watched it! (Film 08)")
    await crossed.scroll_into_view_if_needed()
    assert await page.evaluate("window.scrollY") > 300
    where = (await crossed.locator("xpath=ancestor::li").bounding_box())["y"]
    await crossed.click()
    await expect(page.locator("#flash")).to_contain_text("Crossed off 'Film 08'")
    next_row = page.get_by_role("button", name="I watched it! (Film 07)")
    await expect(next_row).to_be_focused()
    undo = page.locator("#list li.undo-row")
    assert abs((await undo.bounding_box())["y"] - where) < 5, "its Undo is where the crossed-off row was"
    await page.get_by_role("button", name="Delete Film 07").click()
    await expect(page.get_by_role("button", name="Delete Film 06")).to_be_focused()
    await page.get_by_role("button", name="Delete Film 01").click()
    await expect(page.get_by_role("button", name="Delete Film 02")).to_be_focused(), "the last row gives focus back"
    assert watcher.console_errors == []


async def test_an_undone_delete_comes_back_in_its_place(browser, live_server):
    page, watcher = await open_page(browser, live_server)
    await register(page, next(emails))
    await add_by_request(page, ["Alien", "Brazil", "Casablanca", "Dune"])
    await page.goto("/?sort=title")
    await page.get_by_role("button", name="Delete Brazil").click()
    await expect(page.locator("#flash")).to_contain_text("Deleted 'Brazil'.")
    await page.locator("#flash").get_by_role("button", name="Undo").click()
    await expect(page.locator("#flash")).to_contain_text("'Brazil' is back.")
    await expect_rows(page, ["Alien", "Brazil", "Casablanca", "Dune"])
    assert watcher.console_errors == []


async def test_shift_click_ticks_a_range_and_one_undo_puts_them_all_back(browser, live_server):
    page, watcher = await open_page(browser, live_server)
    await register(page, next(emails))
    await add_by_request(page, ["Alien", "Brazil", "Casablanca", "Dune", "Eraserhead"])
    await page.goto("/?sort=title")
    bulk = page.locator("#bulk-form")
    await expect(bulk).to_be_hidden()
    await page.get_by_label("Tick Brazil").click()
    await page.get_by_label("Tick Dune").click(modifiers=["Shift"])
    for title in ("Brazil", "Casablanca", "Dune"):
        await expect(page.get_by_label(f"Tick {title}")).to_be_checked()
    await expect(page.get_by_label("Tick Alien")).not_to_be_checked()
    await bulk.get_by_role("button", name="Mark watched").click()
    await expect(page.locator("#flash")).to_contain_text("Crossed off 3 films.")
    await expect_rows(page, ["Alien", "Eraserhead"])
    await expect(page.locator("#count-watched")).to_have_text("3")
    await page.locator("#flash").get_by_role("button", name="Undo").click()
    await expect(page.locator("#flash")).to_contain_text("Put 3 films back on your watchlist.")
    await expect_rows(page, ["Alien", "Brazil", "Casablanca", "Dune", "Eraserhead"])
    await expect(page.locator("#count-watchlist")).to_have_text("5")
    assert watcher.console_errors == []


async def test_a_phone_shows_the_header_on_one_line_and_at_least_six_films(browser, live_server):
    page, _ = await open_page(browser, live_server)
    await page.set_viewport_size(PHONE)
    await register(page, next(emails))
    await add_by_request(page, [f"A film of some length, number {n}" for n in range(12)])
    await page.goto("/")
    await page.reload()  # the adds' banners shown and gone
    tops = [
        (await item.bounding_box())["y"] for item in await page.locator(".brand, nav > a:visible, nav summary").all()
    ]
    assert max(tops) - min(tops) < 8, f"the header's items are on one line: {tops}"
    rows = await page.locator("#list li.movie").all()
    fully_shown = [row for row in rows if (box := await row.bounding_box())["y"] + box["height"] <= PHONE["height"]]
    assert len(fully_shown) >= 6
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


async def test_the_header_stays_put_from_page_to_page(browser, live_server):
    page, _ = await open_page(browser, live_server)
    await register(page, next(emails))
    boxes = {}
    for path in ("/", "/watched", "/diary", "/account", "/pick"):
        await page.goto(path)
        links = page.locator(".site-header a, .site-header summary")
        boxes[path] = [await link.bounding_box() for link in await links.all()]
    assert all(found == boxes["/"] for found in boxes.values()), boxes


async def test_a_refused_sign_up_keeps_no_password_focuses_it_and_logs_no_console_error(browser, live_server):
    page, watcher = await open_page(browser, live_server)
    await page.goto("/register")
    await page.get_by_label("Email").fill(next(emails))
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_label("Password again").fill(PASSWORD + "!")
    # An empty style attribute, as some password managers leave on the fields they fill (set
    # through the CSSOM, which the CSP allows); htmx must not copy it while settling the swap.
    await page.evaluate(
        "document.querySelectorAll('#register-form input').forEach((field) => {"
        " field.style.color = 'inherit'; field.style.removeProperty('color'); })"
    )
    await page.get_by_role("button", name="Create account").click()
    password = page.get_by_label("Password", exact=True)
    await expect(password).to_be_focused()
    await expect(password).to_have_value("")
    await expect(page.get_by_label("Password again")).to_have_value("")
    await expect(page.locator("#password-error")).to_contain_text("Type your password here again")
    await password.fill(PASSWORD)
    show = page.get_by_role("button", name="Show password").first
    await show.click()
    await expect(password).to_have_attribute("type", "text")
    await expect(show).to_have_attribute("aria-pressed", "true")
    await show.click()
    await expect(password).to_have_attribute("type", "password")
    assert watcher.console_errors == [], "no CSP error from htmx settling the refused form"


async def test_after_sign_up_the_empty_watchlist_puts_focus_in_the_add_field(browser, live_server):
    page, _ = await open_page(browser, live_server)
    await register(page, next(emails))
    await expect(page.get_by_label("Movie title")).to_be_focused()


async def test_a_long_title_is_counted_down_near_the_limit_and_refused_whole(browser, live_server):
    page, watcher = await open_page(browser, live_server)
    await register(page, next(emails))
    title = page.get_by_label("Movie title")
    await title.fill("x" * 150)
    await expect(page.locator("#title-count")).to_be_hidden()
    await title.fill("x" * 195)
    await expect(page.locator("#title-count")).to_have_text("5 characters left")
    await title.fill("y" * 210)
    await expect(page.locator("#title-count")).to_have_text("10 characters too many")
    await title.press("Enter")
    await expect(page.locator("#title-error")).to_have_text("A title can be at most 200 characters long.")
    await expect(page.get_by_label("Movie title")).to_have_value("y" * 210)
    assert re.search(r"Nothing here yet", await page.locator("#list").inner_text())
    assert watcher.console_errors == []


async def test_without_javascript_show_more_is_a_link_and_the_controls_a_form(browser, live_server):
    page, _ = await open_page(browser, live_server, javascript=False)
    await register(page, next(emails))
    await add_by_request(page, [f"Film {n:03}" for n in range(1, 56)])
    await page.goto("/")
    await page.get_by_role("link", name="Show more").click()
    await expect_rows(page, [f"Film {n:03}" for n in range(5, 0, -1)])
    await page.get_by_role("link", name="Back to the top of the list").click()
    await expect(page.get_by_role("link", name="Back to the top of the list")).to_have_count(0)
    await page.get_by_text("Sort and filter").click()
    await page.get_by_label("Sort by").select_option("title")
    await page.get_by_role("button", name="Show").click()
    await expect(page).to_have_url(f"{live_server.url}/?sort=title")
    await expect(page.locator("#list li.movie .title").first).to_have_text("Film 001")
