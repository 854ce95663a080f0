"""Importing a history in a real browser: the import page follows the work by itself (htmx
asking again; without JavaScript, the page refreshing), and the preview and a refused file's
upload form pass axe."""

import csv
import io
import zipfile

import pytest
from browser_support import assert_no_reload, axe_violations, emails, mark_window, open_page, register
from playwright.async_api import expect


def letterboxd_zip() -> bytes:
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(["Date", "Name", "Year", "Letterboxd URI", "Rating", "Rewatch", "Tags", "Watched Date"])
    for day in range(1, 29):
        writer.writerow(
            [f"2024-02-{day:02d}", f"Film of the {day}th", "2001", "x", "3.5", "", "", f"2024-02-{day:02d}"]
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("diary.csv", rows.getvalue())
        archive.writestr("watchlist.csv", "Date,Name,Year,Letterboxd URI\n2024-01-01,Heat,1995,x\n")
    return out.getvalue()


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-javascript"])
async def test_an_import_is_previewed_and_applied_from_the_account_page(browser, live_server, tmp_path, javascript):
    page, watcher = await open_page(browser, live_server, javascript=javascript)
    await register(page, next(emails))
    export = tmp_path / "letterboxd-ann-2026-12-01-utc.zip"
    export.write_bytes(letterboxd_zip())
    await page.goto("/account")
    await page.get_by_label("Import a history").set_input_files(export)
    await page.get_by_role("button", name="Upload and preview").click()
    await expect(page.get_by_role("heading", name="Import from letterboxd-ann-2026-12-01-utc.zip")).to_be_visible()
    if javascript:
        await mark_window(page)
    await expect(page.get_by_role("heading", name="What importing will do")).to_be_visible(timeout=15_000)
    await expect(page.get_by_role("row", name="Viewings for your diary 28")).to_be_visible()
    if javascript:
        await assert_no_reload(page)
    await page.get_by_role("button", name="Import").click()
    await expect(page.get_by_role("heading", name="Imported")).to_be_visible(timeout=15_000)
    await page.get_by_role("link", name="Diary").first.click()
    await expect(page.get_by_role("heading", name="February 2024")).to_be_visible()
    await expect(page.locator(".diary-entry")).to_have_count(28)
    assert watcher.foreign_requests == []


async def test_a_file_flicklist_cannot_read_comes_back_on_the_upload_form_which_passes_axe(
    browser, live_server, tmp_path
):
    context = await browser.new_context(base_url=live_server.url, bypass_csp=True)  # for axe's script
    page = await context.new_page()
    await register(page, next(emails))
    other = tmp_path / "trakt-history.json"
    other.write_text('{"movies": [{"title": "Heat", "year": 1995}]}')
    await page.goto("/account")
    await page.get_by_label("Import a history").set_input_files(other)
    await page.get_by_role("button", name="Upload and preview").click()
    await expect(page.locator(".field-error")).to_contain_text("FlickList imports a Letterboxd export")
    assert await axe_violations(page) == []
