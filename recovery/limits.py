"""How often links may be asked for, counted like sign-ups (security/address_limits.py), each
in a window of an hour: per address typed into “Forgot your password?” and per client address
there (answered alike whether an account uses the address or not), and per account for every
mail carrying a link (a reset, an address check, a move to a new address). What a stranger can
set off for someone else's account (a resend from the page a sign-up with a taken address
leads to, the notice that sign-up mails) is counted apart, so that it cannot use up the
owner's own reset links."""

from ..security.address_limits import Window
from ..security.throttle import Limit

RESETS_PER_ADDRESS = Window(Limit("reset-address", 0), 3600)
RESETS_PER_ADDRESS_ALLOWED = 3
RESETS_PER_CLIENT = Window(Limit("reset-client", 0), 3600)
RESETS_PER_CLIENT_ALLOWED = 20
MAILS_PER_ACCOUNT = Window(Limit("account-mail", 0), 3600)
MAILS_PER_ACCOUNT_ALLOWED = 5
RESENDS_PER_ACCOUNT = Window(Limit("address-resend", 0), 3600)
RESENDS_PER_ACCOUNT_ALLOWED = 5
SIGN_UP_NOTICES_PER_ACCOUNT = Window(Limit("sign-up-notice", 0), 3600)
SIGN_UP_NOTICES_PER_ACCOUNT_ALLOWED = 3
