"""Mail FlickList sends (password reset links, address checks): the SMTP server it goes
through, how a message is written, and the outbox that sends it in the background."""
