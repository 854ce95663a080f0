"""Time-based one-time passwords (RFC 6238) from an authenticator app: 6 digits, 30 s steps,
one step of clock drift either way, and each code accepted once only."""

import io

import pyotp
import segno
from sqlalchemy import BigInteger, bindparam, delete, insert, select, update

from ..db import Database
from ..tables import now, totp_secrets

ISSUER = "FlickList"
DRIFT_STEPS = 1

SECRET_OF = select(totp_secrets.c.secret).where(totp_secrets.c.user_id == bindparam("user_id"))
# Accepting a code moves last_step past it, in one statement: two requests racing with the
# same code cannot both succeed.
ACCEPT_STEP = (
    update(totp_secrets)
    .where(totp_secrets.c.user_id == bindparam("user_id"), totp_secrets.c.last_step < bindparam("step", BigInteger))
    .values(last_step=bindparam("step", BigInteger))
    .returning(totp_secrets.c.user_id)
)


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def setup_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_code_svg(uri: str) -> str:
    """The setup link as a QR code, drawn here as SVG (no image service ever sees the secret)."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", xmldecl=False, svgns=True, scale=5, border=2, title="QR code")
    return out.getvalue().decode()


def matching_step(secret: str, code: str) -> int | None:
    """The time step whose code `code` is, within the allowed drift, or None."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now())
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


async def enable(db: Database, user_id: int, secret: str) -> None:
    """Store a confirmed secret (replacing any earlier one)."""
    async with db.transaction() as connection:
        await connection.execute(delete(totp_secrets).where(totp_secrets.c.user_id == user_id))
        await connection.execute(
            insert(totp_secrets).values(user_id=user_id, secret=secret, last_step=0, created_at=now())
        )


async def accept_code(db: Database, user_id: int, code: str) -> bool:
    """True when `code` is this user's current code and was never accepted before."""
    rows = await db.fetch_all(SECRET_OF, user_id=user_id)
    step = matching_step(rows[0][0], code) if rows else None
    return step is not None and await db.write_returning(ACCEPT_STEP, int, user_id=user_id, step=step) is not None


async def is_enabled(db: Database, user_id: int) -> bool:
    return bool(await db.fetch_all(SECRET_OF, user_id=user_id))


async def remove(db: Database, user_id: int) -> None:
    async with db.transaction() as connection:
        await connection.execute(delete(totp_secrets).where(totp_secrets.c.user_id == user_id))
