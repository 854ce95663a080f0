"""Share links: a read-only view of one of a person's lists for whoever holds the link."""
