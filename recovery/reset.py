"""Setting a new password through a reset link: the link spent, the password stored, every
session of the account ended and its other pending links revoked, in one transaction
(account_changes.store_password). Second factors stay as they were, so the next login still
asks for one. A link that came by mail to the account's address proves that address too."""

from ..account_changes import store_password
from ..db import Database
from ..security import account_links
from ..security.passwords import hash_password
from . import addresses


async def set_password(db: Database, link: account_links.Link, password: str) -> bool:
    """False when the link was spent (or expired) since it was found: then say account_links.REFUSED."""
    password_hash = await hash_password(password)  # slow on purpose: outside the transaction
    async with db.transaction() as connection:
        if not await account_links.use(connection, link):
            return False
        await store_password(connection, link.user_id, password_hash)
        if link.email is not None:
            await addresses.verify(connection, link.user_id, link.email)
    return True
