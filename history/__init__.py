"""A person's film history in and out: the export (Letterboxd's import CSVs and FlickList's own
JSON in one ZIP) and the import (Letterboxd's and IMDb's exports, and FlickList's own)."""
