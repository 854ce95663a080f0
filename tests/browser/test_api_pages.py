"""The API's pages in a real browser: a token made from the account page and shown once, the
tokens' page and the API's documentation pass axe-core in light and dark mode, and the docs
page loads nothing from another site."""

from browser_support import DESKTOP, axe_violations_light_and_dark, emails, register
from playwright.async_api import expect


async def test_a_token_made_on_the_account_page_and_the_api_docs_pass_axe_core(browser, live_server):
    context = await browser.new_context(base_url=live_server.url, viewport=DESKTOP, bypass_csp=True)
    page = await context.new_page()
    await register(page, next(emails))
    await page.goto("/account")
    await page.get_by_label("Name of a new token").fill("Backup script")
    await page.get_by_role("button", name="Make a token").click()
    await expect(page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()
    token = await page.locator("code.secret").inner_text()
    assert len(token) >= 22
    await expect(page.locator("tr.api-token")).to_contain_text("Backup script")
    pages = {"/account/api-tokens with a new token": await axe_violations_light_and_dark(page)}
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    await page.goto("/api/docs")
    await expect(page.get_by_role("heading", name="GET /api/v1/watchlist")).to_be_visible()
    assert requests and all(url.startswith(live_server.url) for url in requests), requests
    pages["/api/docs"] = await axe_violations_light_and_dark(page)
    assert {name: found for name, found in pages.items() if found} == {}
