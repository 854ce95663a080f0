"""Feeds other programs read with a token in their URL: a person's watchlist as the list
Radarr imports (`radarr.py`) and the diary as RSS 2.0 (`diary_rss.py`). No HTTP here:
features/feeds.py answers the requests."""
