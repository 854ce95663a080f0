"""FlickList: a self-hostable, multi-user movie watchlist (Starlette + HTMX).

`app.create_app()` builds the web app; `cli.main()` is the `flicklist` command."""
