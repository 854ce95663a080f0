"""The JSON API's domain: its items as JSON (`items.py`), the films a request names
(`films.py`), what a request's body may hold (`bodies.py`) and its OpenAPI document, which is
also the table its routes are made from (`document.py`). No HTTP here: features/api.py
turns requests into these calls."""
