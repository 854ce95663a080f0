"""The local film catalog: IMDb's non-commercial datasets loaded into FlickList's own
database (`flicklist catalog load`), and searched there, never elsewhere."""
