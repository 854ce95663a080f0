"""Friends on one instance: a profile name others know a person by, follow requests that the
other person accepts or declines, blocks, and what followers may see."""
