"""Issue 34's imports under load, measured from outside: other people's adds while a big
import runs, /healthz while a file of 20,000 reviews of one film is previewed and applied,
and the server's memory while an import is read. The files come from bench/import_files.py.

Requests go out at a steady pace, each on a new connection and whether or not the one before
has answered, as many people's do (a person adds a film seconds after the last, once the
keep-alive has closed); each one's wait counts from when it was due, so a stall shows in
every request it holds up rather than in the one that met it."""

import asyncio
import html
import io
import json
import re
import statistics
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
from history_bench import account_csrf, confirm, until_settled, upload

STATUS_EVERY = 0.5  # as the import's page asks
MEMORY_EVERY = 0.05
IMPORT_GIVE_UP = 240  # seconds an import may take before the bench reports it as it stands


class Paced:
    """`send(client, number)` every `every` seconds from a thread of its own until stop()."""

    def __init__(self, url: str, cookies: httpx.Cookies, every: float, send: Callable) -> None:
        self.url, self.cookies, self.every, self.send = url, cookies, every, send
        self.waits: list[float] = []
        self.failures: Counter = Counter()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=asyncio.run, args=(self.pace(),))
        self.thread.start()

    async def pace(self) -> None:
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=0)
        timeout = httpx.Timeout(60, pool=None)
        async with httpx.AsyncClient(base_url=self.url, cookies=self.cookies, limits=limits, timeout=timeout) as client:
            tasks, started = [], time.perf_counter()
            while not self.stopping.is_set():
                due = started + len(tasks) * self.every
                await asyncio.sleep(max(0, due - time.perf_counter()))
                tasks.append(asyncio.create_task(self.timed(client, len(tasks), due)))
            await asyncio.gather(*tasks)
        self.seconds = time.perf_counter() - started

    async def timed(self, client: httpx.AsyncClient, number: int, due: float) -> None:
        try:
            response = await self.send(client, number)
            if response.status_code >= 400:
                self.failures[str(response.status_code)] += 1
        except httpx.HTTPError as error:
            self.failures[type(error).__name__] += 1
        self.waits.append(time.perf_counter() - due)

    def stop(self) -> "Paced":
        self.stopping.set()
        self.thread.join()
        return self


def figures_of(paced: list[Paced]) -> dict:
    """What several paced clients saw, as wrk reports it (requests/s, p50 and p99 in ms, the
    failures), their waits pooled."""
    waits = sorted(wait for one in paced for wait in one.waits)
    failures = sum((one.failures for one in paced), Counter())
    return {
        "rps": sum(len(one.waits) / one.seconds for one in paced),
        "p50": 1000 * statistics.median(waits),
        "p99": 1000 * waits[min(len(waits) - 1, int(len(waits) * 0.99))],
        "errors": sum(failures.values()),
        "max": 1000 * waits[-1],
        "count": len(waits),
        "failures": failures,
    }


def adding(account: int, csrf: str) -> Callable:
    """An account's HTMX add of a title never added before, as the add field sends it."""
    headers = {"HX-Request": "true", "X-CSRF-Token": csrf}

    async def add(client: httpx.AsyncClient, number: int) -> httpx.Response:
        return await client.post(
            "/movies", data={"title": f"Added while importing {account}-{number}"}, headers=headers
        )

    return add


def adders(url: str, clients: list[httpx.Client], every: float) -> list[Paced]:
    return [
        Paced(url, client.cookies, every, adding(account, account_csrf(client)))
        for account, client in enumerate(clients)
    ]


async def healthz(client: httpx.AsyncClient, _number: int) -> httpx.Response:
    return await client.get("/healthz")


def resident_bytes(pid: int) -> int:
    """RSS of a process and all it started (uvicorn's supervisor, its workers, their children)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        children = " ".join(path.read_text() for path in Path(f"/proc/{pid}/task").glob("*/children"))
    except (FileNotFoundError, ProcessLookupError):
        return 0
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    own = int(found.group(1)) * 1024 if found else 0
    return own + sum(resident_bytes(int(child)) for child in children.split())


class Memory:
    """The server's resident memory from /proc every 50 ms in a thread: the idle figure (the
    least of the first second, taken before anything is sent) and the peak since."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.stopping = pid, 0, threading.Event()
        idle = []
        for _ in range(int(1 / MEMORY_EVERY)):
            idle.append(self.sample())
            time.sleep(MEMORY_EVERY)
        self.idle = min(idle)
        self.thread = threading.Thread(target=self.watch)
        self.thread.start()

    def sample(self) -> int:
        rss = resident_bytes(self.pid)
        self.peak = max(self.peak, rss)
        return rss

    def watch(self) -> None:
        while not self.stopping.wait(MEMORY_EVERY):
            self.sample()

    def stop(self) -> float:
        """Megabytes of the peak above idle."""
        self.stopping.set()
        self.thread.join()
        return (self.peak - self.idle) / 1024 / 1024


def counts_in(status: str) -> dict[str, int]:
    """The preview's (or the result's) table: "To your watchlist" -> 1,900 and so on."""
    cells = re.findall(r'<th scope="row">([^<]+)</th><td>([\d,]+)</td>', status)
    return {label: int(number.replace(",", "")) for label, number in cells}


def list_counts(client: httpx.Client) -> tuple[int, int]:
    page = client.get("/watched").text
    watchlist, watched = (re.search(rf'id="count-{name}"[^>]*>([\d,]+)<', page) for name in ("watchlist", "watched"))
    return int(watchlist.group(1).replace(",", "")), int(watched.group(1).replace(",", ""))


def exported_entries(client: httpx.Client) -> int:
    archive = zipfile.ZipFile(io.BytesIO(client.get("/account/export.zip").content))
    return len(json.loads(archive.read("flicklist.json"))["entries"])


def sentence_naming(page: str, words: tuple[str, ...]) -> str | None:
    """The first sentence of a page's text that holds one of `words`, as a person reads it."""
    text = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page.split("<body", 1)[-1]).split()))
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if any(word in sentence for word in words):
            return sentence
    return None


def settled_state(status: str) -> str:
    """The heading of the import's status: "What importing will do", "Imported", "Not imported"…"""
    found = re.search(r"<h2>([^<]+)</h2>", status)
    return found.group(1) if found else "no answer"


def through(importer: httpx.Client, file_name: str, content: bytes) -> dict:
    """An import as a person makes it: the upload, the preview, "Import" pressed. Seconds to
    the preview and from the confirm until it settled, the preview's counts, and where it
    stood at the end: "Imported", "Not imported", still running, or refused at the upload."""
    csrf = account_csrf(importer)
    started = time.perf_counter()
    response = upload(importer, csrf, file_name, content)
    if response.status_code != 303:
        return {"state": f"refused at the upload ({response.status_code})"}
    job_url = response.headers["location"]
    preview = until_settled(importer, job_url, STATUS_EVERY, IMPORT_GIVE_UP)
    figures = {"preview": time.perf_counter() - started, "state": settled_state(preview), "counts": counts_in(preview)}
    if figures["state"] == "What importing will do":
        figures["confirmed"] = time.perf_counter()
        confirm(importer, csrf, job_url)
        figures["state"] = settled_state(until_settled(importer, job_url, STATUS_EVERY, IMPORT_GIVE_UP))
        figures["imported"] = time.perf_counter() - figures["confirmed"]
    return figures


def read_back(importer: httpx.Client, imported: dict) -> dict:
    """Seconds from the confirm until /watched counts what the preview said would come in,
    and until the export holds it (with how many entries it holds, and how many were wanted)."""
    counts = imported["counts"]
    wanted = (counts["To your watchlist"], counts["To your Watched list"])
    while list_counts(importer) != wanted and time.perf_counter() - imported["confirmed"] < IMPORT_GIVE_UP:
        time.sleep(STATUS_EVERY)
    on_watched = time.perf_counter() - imported["confirmed"]
    entries = exported_entries(importer)
    exported = time.perf_counter() - imported["confirmed"]
    return {"on_watched": on_watched, "exported": exported, "exported_entries": entries, "wanted_entries": sum(wanted)}


def import_under_adds(
    url: str, importer: httpx.Client, others: list[httpx.Client], export: bytes, every: float, memory: Memory
) -> dict:
    """The import made while `others` add films, until its rows can be read back."""
    paced = adders(url, others, every)
    figures = through(importer, "letterboxd.zip", export)
    if figures["state"] == "Imported":
        figures |= read_back(importer, figures)
    return figures | {"adds": figures_of([one.stop() for one in paced]), "memory": memory.stop()}


def healthz_during_import(url: str, importer: httpx.Client, file_name: str, content: bytes, every: float) -> dict:
    poller = Paced(url, httpx.Cookies(), every, healthz)
    figures = through(importer, file_name, content)
    return figures | {"healthz": figures_of([poller.stop()])}


def refused_import(importer: httpx.Client, file_name: str, content: bytes, memory: Memory) -> dict:
    """An upload the server should refuse: its answer (the refusal's text, or where the import
    stood when it settled or was given up) and the memory it took meanwhile."""
    csrf = account_csrf(importer)
    started = time.perf_counter()
    response = upload(importer, csrf, file_name, content)
    answer = response.text
    if response.status_code == 303:
        answer = until_settled(importer, response.headers["location"], STATUS_EVERY, IMPORT_GIVE_UP)
    seconds = time.perf_counter() - started
    return {"status": response.status_code, "answer": answer, "seconds": seconds, "memory": memory.stop()}
