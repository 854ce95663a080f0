"""Running an instance for others: the sign-up mode, invitations, accounts as an admin sees
them, and the audit trail of what admins did."""
