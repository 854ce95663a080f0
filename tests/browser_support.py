"""A live uvicorn server and Debian's Chromium (its headless shell) for the browser tests."""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from itertools import count
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, expect
from support import PASSWORD, run_main

# Debian's headless shell (Chromium's engine without the browser's windowing, as Playwright's own
# headless default): half the CPU of the whole browser in headless mode, which the suite's
# wall time hangs on; the whole browser is taken where only it is installed.
HEADLESS_SHELL, WHOLE_BROWSER = Path("/usr/bin/chromium-headless-shell"), Path("/usr/bin/chromium")
CHROMIUM = next((path for path in (HEADLESS_SHELL, WHOLE_BROWSER) if path.exists()), HEADLESS_SHELL)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PROJECT_DIR = Path(__file__).resolve().parent.parent
AXE = Path(__file__).parent / "browser" / "vendor" / "axe.min.js"
# A film's own page and its "Log a viewing" form, for waiting until a click has led there.
FILM_PAGE, LOG_FORM = re.compile(r"/(films|movies)/\d+$"), re.compile(r"/movies/\d+/log$")


def require_chromium() -> None:
    """Browser tests skip on a machine without Chromium, except in CI, where they must run."""
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is not installed (apt-get install chromium-headless-shell)"
    if os.environ.get("FLICKLIST_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerProcess:
    """A web server in a child process on a free port, up once `ready_path` answers."""

    def __init__(self, command: list[str], env: dict[str, str], ready_path: str = "/healthz") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ready_path = ready_path
        command = [part.replace("{port}", str(self.port)) for part in command]
        env = {name: value.replace("{port}", str(self.port)) for name, value in env.items()}
        # A file, not a pipe: a pipe nobody reads would fill up and stall the server.
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command, cwd=PROJECT_DIR, env={**os.environ, **env}, stdout=self.log, stderr=self.log
        )
        self.wait_until_up()

    def wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"server exited: {self.log.read()}")
            try:
                if httpx.get(f"{self.url}{self.ready_path}", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not start in time")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.seek(0)
        # pytest shows a failed test's captured stderr: the server's side of what went wrong.
        sys.stderr.write("".join(self.log.readlines()[-100:]))
        self.log.close()


class LiveServer(ServerProcess):
    """`flicklist serve` in a child process, exactly as `make run` starts it."""

    def __init__(
        self, database_url: str, workers: int = 1, extra_env: dict[str, str] | None = None, serve_args=()
    ) -> None:
        self.database_url = database_url
        env = {
            "FLICKLIST_DATABASE_URL": database_url,
            "FLICKLIST_SECRET_KEY": "live-server-test-key-" + database_url,
            **(extra_env or {}),
        }
        command = [
            sys.executable,
            "-m",
            "flicklist.cli",
            "serve",
            "--port",
            "{port}",
            "--workers",
            str(workers),
            *serve_args,
        ]
        super().__init__(command, env)


emails = (f"viewer{number}@example.com" for number in count())


def promote(live_server: LiveServer, email: str) -> None:
    """Make `email` an admin, as the instance's owner would: `flicklist users promote`."""
    promoted = run_main("users", "promote", email, environment={"FLICKLIST_DATABASE_URL": live_server.database_url})
    assert promoted.returncode == 0, promoted.stderr


# `make screenshots` sets FLICKLIST_SCREENSHOT_DIR=docs/screenshots to refresh the README's.
SCREENSHOT_DIR = os.environ.get("FLICKLIST_SCREENSHOT_DIR")
PHONE, DESKTOP = {"width": 360, "height": 780}, {"width": 1280, "height": 860}


# Chromium logs every 4xx answer as a console error. A 422 is the app's deliberate answer to a
# refused form (the form comes back with the error beside the field), so that one note is expected.
REFUSED_FORM_NOTE = "the server responded with a status of 422"


class Watcher:
    """Collects what a user would not want: console errors and requests to other origins."""

    def __init__(self, page: Page, origin: str) -> None:
        self.console_errors: list[str] = []
        self.foreign_requests: list[str] = []
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.on("request", lambda request: request.url.startswith(origin) or self.foreign_requests.append(request.url))

    def on_console(self, message) -> None:
        if message.type == "error" and REFUSED_FORM_NOTE not in message.text:
            self.console_errors.append(message.text)


async def open_page(browser, live_server, javascript: bool = True) -> tuple[Page, Watcher]:
    context = await browser.new_context(java_script_enabled=javascript, base_url=live_server.url)
    page = await context.new_page()
    return page, Watcher(page, live_server.url)


async def mark_window(page: Page) -> None:
    await page.evaluate("window.stillTheSamePage = true")


async def assert_no_reload(page: Page) -> None:
    assert await page.evaluate("window.stillTheSamePage === true"), "the page was reloaded"


async def register(page: Page, email: str) -> None:
    await page.goto("/register")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_label("Password again").fill(PASSWORD)
    await page.get_by_role("button", name="Create account").click()
    await expect(page.locator("#flash")).to_contain_text("Welcome to FlickList")
    # The scripts are deferred: keys typed before they ran would reach no listener (seen under
    # CI's load, as a combobox that never opened).
    await page.wait_for_load_state()


async def log_out(page: Page) -> None:
    """Log out as a person does: from the account menu in the header."""
    await page.locator(".account-menu summary").click()
    await page.get_by_role("button", name="Log out", exact=True).click()
    await expect(page.locator("#flash")).to_contain_text("You have been logged out.")


async def axe_violations(page) -> list:
    """What axe-core finds on the page: (rule, its help, the elements) of each violation."""
    # Once the page has loaded: before, its styles (the contrast checks) or deferred scripts may be missing.
    await page.wait_for_load_state()
    # The CSP rightly refuses injected scripts, so these pages are opened with bypass_csp.
    if not await page.evaluate("typeof axe !== 'undefined'"):
        await page.add_script_tag(path=str(AXE))
    # resultTypes: only violations are gathered in full (axe's own speed-up: the rules that pass
    # are still run, their elements are not all described); the rest stays in the page.
    violations = await page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}, resultTypes: ['violations']})"
        ".then((result) => result.violations.map((v) => [v.id, v.help, v.nodes.map((node) => node.target)]))"
    )
    return [tuple(violation) for violation in violations]


SCHEMES = ("light", "dark")


async def axe_violations_light_and_dark(page) -> dict[str, list]:
    """axe_violations with the page in light colours, then dark (they swap in place: the styles
    have no transitions), for each scheme that has any."""
    found = {}
    for scheme in SCHEMES:
        await page.emulate_media(color_scheme=scheme)
        found[scheme] = await axe_violations(page)
    return {scheme: violations for scheme, violations in found.items() if violations}
