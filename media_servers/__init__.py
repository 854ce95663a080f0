"""Media servers that tell FlickList what a person watched: each server's webhook payload read
into an `Event` (`plex.py`, `jellyfin.py`, `emby.py`, on what `events.py` shares; the form
field a server may put its JSON in, `forms.py`), what an event does to the person's lists
and diary, and the last events kept to show (`watches.py`), and the time zone that dates
what they report (`time_zones.py`). No HTTP here: features/media_servers.py turns a request
into these calls."""
