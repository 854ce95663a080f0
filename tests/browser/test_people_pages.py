"""Film and person pages in Chromium, with JavaScript and without: a film found by a title it
has elsewhere, its cast and crew, a person's films, and adding them to the watchlist."""

from browser_support import axe_violations_light_and_dark, emails, open_page, register
from playwright.async_api import expect


async def test_a_film_found_by_its_german_title_leads_to_its_director_and_both_pages_pass_axe(browser, catalog_server):
    context = await browser.new_context(base_url=catalog_server.url, bypass_csp=True)  # axe is injected
    page = await context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    await register(page, next(emails))
    field = page.get_by_role("combobox", name="Movie title")
    await field.press_sequentially("die fabel")
    option = page.locator("#film-options").get_by_role("option")
    await expect(option).to_have_count(1)
    await expect(option).to_contain_text("Die fabelhafte Welt der Amélie — Amélie")
    await field.press("ArrowDown")
    await field.press("Enter")
    await page.get_by_role("button", name="Add to watchlist").click()
    await expect(page.locator("#watchlist .title")).to_have_text(["Amélie"])
    await page.locator("#watchlist .title").click()
    await expect(page.get_by_role("heading", name="Cast and crew")).to_be_visible()
    await expect(page.locator(".cast")).to_contain_text("Audrey Tautou as Amélie Poulain")
    assert await axe_violations_light_and_dark(page) == {}, "the film's page"
    await page.get_by_role("link", name="Jean-Pierre Jeunet").first.click()
    await expect(page.get_by_role("heading", name="Jean-Pierre Jeunet", level=1)).to_be_visible()
    await expect(page.locator("#seen-count")).to_have_text("You have seen 0 of 1.")
    await expect(page.locator(".filmography").first).to_contain_text("Amélie (2001) On your watchlist")
    assert await axe_violations_light_and_dark(page) == {}, "the person's page"
    assert errors == []


async def test_without_javascript_a_persons_films_go_onto_the_watchlist_after_the_confirmation(browser, catalog_server):
    page, watcher = await open_page(browser, catalog_server, javascript=False)
    await register(page, next(emails))
    await page.goto("/people/11")
    await page.get_by_role("link", name="Add the 3 films not on your lists to your watchlist…").click()
    await expect(page.get_by_role("heading", name="Add Denis Villeneuve's films to your watchlist?")).to_be_visible()
    await page.get_by_role("button", name="Add 3 films to my watchlist").click()
    await expect(page.locator("#flash")).to_contain_text("Added 3 of Denis Villeneuve's films to your watchlist.")
    await expect(page.locator("#seen-count")).to_have_text("You have seen 0 of 3.")
    await page.get_by_role("link", name="your watchlist").first.click()
    await expect(page.locator(".person-filter")).to_contain_text("Directed by Denis Villeneuve")
    await expect(page.locator("#watchlist .title")).to_have_count(3)
    assert watcher.console_errors == [] and watcher.foreign_requests == []


async def test_a_films_page_adds_crosses_off_rates_and_undoes_in_place_keeping_focus(browser, catalog_server):
    page, watcher = await open_page(browser, catalog_server)
    await register(page, next(emails))
    await page.goto("/people/11")
    await page.locator(".filmography a", has_text="Blade Runner 2049").first.click()
    await expect(page.get_by_role("heading", name="Blade Runner 2049", level=1)).to_be_visible()
    await page.evaluate("window.notReloaded = true")
    await page.get_by_role("button", name="Add to watchlist").click()
    await expect(page.locator("#flash")).to_contain_text("Added 'Blade Runner 2049' to your watchlist.")
    await expect(page.locator("#your-lists")).to_be_focused()
    await page.get_by_role("button", name="I watched it!").click()
    await expect(page.locator("#film-state")).to_contain_text("On your Watched list")
    await page.locator("#flash").get_by_role("button", name="Undo").click()
    await expect(page.locator("#film-state")).to_contain_text("On your watchlist since")
    await expect(page.locator("#film-state")).to_contain_text("No viewings in your diary yet.")
    await page.get_by_role("button", name="I watched it!").click()
    await expect(page.locator("#film-state")).to_contain_text("On your Watched list")
    await expect(page.locator("#film-state")).not_to_contain_text("No viewings in your diary yet.")
    await expect(page.locator("#count-watched")).to_have_text("1")
    await page.locator("#film-state label", has_text="4 stars").click()
    await page.get_by_role("button", name="Save the rating").click()
    await expect(page.locator("#flash")).to_contain_text("Rated 'Blade Runner 2049' 4 out of 5.")
    await expect(page.get_by_role("button", name="Save the rating")).to_be_focused()
    await expect(page.locator("#film-state .stars-shown").first).to_have_attribute("aria-label", "4 stars")
    await page.get_by_role("button", name="Like").click()
    await expect(page.get_by_role("button", name="Like")).to_have_attribute("aria-pressed", "true")
    await expect(page.get_by_role("button", name="Like")).to_be_focused()
    assert await page.evaluate("window.notReloaded") is True
    assert watcher.console_errors == [] and watcher.foreign_requests == []
