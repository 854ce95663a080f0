"""Getting back into an account, and proving its address: one-time links (to set a new
password, to prove the address, to move to a new address), what each does when opened, and
the mail that carries them. No HTTP here: features/password_reset.py and
features/email_address.py are the pages."""
