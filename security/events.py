"""The security event log: what happened to an account's sign-in security (logins, second
factors, recovery codes, password changes, sessions ended), shown to its owner on the account
page and kept KEEP_SECONDS (housekeeping.py removes older ones)."""

import re
from typing import NamedTuple

from sqlalchemy import bindparam, insert, select
from starlette.requests import Request

from ..db import Database
from ..tables import now, security_events

KEEP_SECONDS = 90 * 24 * 3600
LOGIN, LOGIN_FAILED, LOGIN_THROTTLED = "login", "login failed", "login throttled"
# A login's detail names the factors it used ("password and passkey “Laptop”").
FACTOR_ADDED, FACTOR_REMOVED = "second factor added", "second factor removed"
RECOVERY_CODE_USED, RECOVERY_CODES_MADE = "recovery code used", "recovery codes made"
PASSWORD_CHANGED, SESSIONS_ENDED = "password changed", "sessions ended"
ADDRESS_CHANGE_ASKED, ADDRESS_CHANGED = "change of address asked", "address changed"
SIGN_ON_LINKED, SIGN_ON_UNLINKED = "single sign-on linked", "single sign-on removed"

RECORD = (
    insert(security_events)
    .values(
        user_id=bindparam("user_id"),
        kind=bindparam("kind"),
        at=bindparam("at"),
        address=bindparam("address"),
        browser=bindparam("browser"),
        detail=bindparam("detail"),
    )
    .returning(security_events.c.id)
)


class Event(NamedTuple):
    kind: str
    at: int
    address: str
    browser: str
    detail: str


RECENT = (
    select(
        security_events.c.kind,
        security_events.c.at,
        security_events.c.address,
        security_events.c.browser,
        security_events.c.detail,
    )
    .where(security_events.c.user_id == bindparam("user_id"))
    .order_by(security_events.c.at.desc(), security_events.c.id.desc())
    .limit(20)
)

BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
SYSTEMS = (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iOS"), ("Windows", "Windows"), ("Mac OS", "macOS"))
SYSTEMS += (("Linux", "Linux"),)


def browser_name(user_agent: str) -> str:
    """ "Firefox on Linux": enough for a person to recognise their own devices."""
    browser = next((name for marker, name in BROWSERS if marker in user_agent), "")
    system = next((name for marker, name in SYSTEMS if marker in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or re.sub(r"[^\x20-\x7e]", "", user_agent)[:60] or "Unknown browser"


async def record(db: Database, request: Request, user_id: int, kind: str, detail: str = "") -> None:
    client = request.client.host if request.client else "unknown"
    await db.write_returning(
        RECORD,
        int,
        user_id=user_id,
        kind=kind,
        at=now(),
        address=client[:64],
        browser=browser_name(request.headers.get("user-agent", ""))[:200],
        detail=detail[:200],
    )


async def recent(db: Database, user_id: int) -> list[Event]:
    return [Event(*row) for row in await db.fetch_all(RECENT, user_id=user_id)]
