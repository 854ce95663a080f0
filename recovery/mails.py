"""The mails that carry links, each made by an errand the outbox runs in the background
(mail/outbox.py): the account is looked up and its link made there, never on the request, so
“Forgot your password?” answers alike, in the same time, whether an account uses the address
or not. Links start from FLICKLIST_PUBLIC_ORIGIN, never from the request's Host: a request
with a forged Host would otherwise have a victim mailed a genuine link to the forger's site
(settings.check_mail requires it once mail is configured)."""

import logging
from email.message import EmailMessage
from typing import NamedTuple

from sqlalchemy import Select, bindparam, select

from ..db import Database
from ..mail.messages import compose
from ..security import account_links, address_limits
from ..security.address_limits import Window
from ..security.passwords import NO_PASSWORD
from ..settings import Settings
from ..tables import users
from . import limits

logger = logging.getLogger(__name__)

RESET_SECONDS = 3600
ADDRESS_LINK_SECONDS = 24 * 3600
# An account made through single sign-on has no password to reset; a disabled one cannot log in.
RESETTABLE = select(users.c.id).where(
    users.c.email == bindparam("email"), users.c.disabled_at.is_(None), users.c.password_hash != NO_PASSWORD
)
# An address is checked only while its account awaits it (a resend racing the confirmation).
AWAITING_EMAIL_OF = select(users.c.email).where(users.c.id == bindparam("user_id"), users.c.awaiting_verification)
ACCOUNT_USING = select(users.c.id).where(users.c.email == bindparam("email"))


class LinkFor(NamedTuple):
    """A link to make: for which account (its id and email), of which kind, how long it lasts
    and who asked for it."""

    user_id: int
    account: str
    kind: str
    seconds: int
    made_by: str


def mail(settings: Settings, to: str, subject: str, template: str, **values: object) -> EmailMessage:
    """A message from the instance, whose templates name its address (`origin`)."""
    return compose(settings.mail_from, to, subject, template, origin=settings.public_origin, **values)


async def link_mail(
    db: Database, settings: Settings, link: LinkFor, to: str, path: str, subject: str, template: str, **values: object
) -> EmailMessage:
    """A new link of `link.kind` mailed to `to`, the site's `path` followed by its token."""
    async with db.transaction() as connection:
        token = await account_links.make(
            connection, link.user_id, link.account, link.kind, link.seconds, link.made_by, to
        )
    lasts = account_links.lifetime(link.seconds)
    return mail(settings, to, subject, template, link=f"{settings.public_origin}{path}/{token}", lasts=lasts, **values)


async def account_within_limit(
    db: Database, query: Select, window: Window, allowed: int, what: str, **params: object
) -> int | None:
    """The id of the account `query` finds, unless it has had `allowed` mails of `what` within
    `window` already (then None, and a line in the log)."""
    rows = await db.fetch_all(query, **params)
    if not rows:
        return None
    user_id = rows[0][0]
    if await address_limits.reserve(db, window, str(user_id), allowed):
        logger.info("No %s mailed to account %s: %s within the hour already", what, user_id, allowed)
        return None
    return user_id


async def password_reset(db: Database, settings: Settings, email: str) -> EmailMessage | None:
    """A reset link for the account using `email`, if there is one that may have one and it
    has not had MAILS_PER_ACCOUNT_ALLOWED links mailed within the hour."""
    user_id = await account_within_limit(
        db, RESETTABLE, limits.MAILS_PER_ACCOUNT, limits.MAILS_PER_ACCOUNT_ALLOWED, "reset link", email=email
    )
    if user_id is None:
        return None
    link = LinkFor(user_id, email, account_links.RESET, RESET_SECONDS, account_links.FORGOT_FORM)
    subject = "Set a new FlickList password"
    return await link_mail(db, settings, link, email, "/password/reset", subject, "password_reset")


async def address_check(db: Database, settings: Settings, user_id: int) -> EmailMessage | None:
    """A link that proves the account's address, to that address (after sign-up, or sent again)."""
    rows = await db.fetch_all(AWAITING_EMAIL_OF, user_id=user_id)
    if not rows:
        return None  # removed or confirmed meanwhile, or never awaiting
    email = rows[0][0]
    link = LinkFor(user_id, email, account_links.VERIFY, ADDRESS_LINK_SECONDS, account_links.SIGN_UP)
    return await link_mail(
        db, settings, link, email, "/email/confirm", "Confirm your address for FlickList", "address_check"
    )


async def sign_up_with_address_in_use(db: Database, settings: Settings, email: str) -> EmailMessage | None:
    """To the account already using `email` when a sign-up under FLICKLIST_VERIFY_EMAIL gave it
    (answered as a new account is, so the form tells nobody which addresses have accounts): a
    notice pointing to logging in and to “Forgot your password?”, at most
    SIGN_UP_NOTICES_PER_ACCOUNT_ALLOWED an hour. Never a link confirming the address, even when
    the account still awaits that: its password may be a squatter's, who signed up with this
    address first, and a reset (which proves the address too) shuts the squatter out."""
    window, allowed = limits.SIGN_UP_NOTICES_PER_ACCOUNT, limits.SIGN_UP_NOTICES_PER_ACCOUNT_ALLOWED
    if await account_within_limit(db, ACCOUNT_USING, window, allowed, "sign-up notice", email=email) is None:
        return None
    return mail(
        settings,
        email,
        "Someone tried to make a FlickList account with your address",
        "sign_up_with_address_in_use",
        login=f"{settings.public_origin}/login",
        forgot=f"{settings.public_origin}/password/forgot",
    )


async def new_address(
    db: Database, settings: Settings, user_id: int, account: str, new_email: str
) -> EmailMessage | None:
    """A link that moves the account `account` to `new_email`, sent there."""
    link = LinkFor(user_id, account, account_links.NEW_ADDRESS, ADDRESS_LINK_SECONDS, account)
    subject = "Confirm your new address for FlickList"
    return await link_mail(db, settings, link, new_email, "/email/confirm", subject, "new_address", account=account)


async def address_change_notice(settings: Settings, account: str, new_email: str) -> EmailMessage:
    """Told to the old address when a move to `new_email` is asked for, while it can still be stopped."""
    subject = "Your FlickList address is being changed"
    lasts = account_links.lifetime(ADDRESS_LINK_SECONDS)
    return mail(settings, account, subject, "address_change_notice", new_email=new_email, lasts=lasts)
