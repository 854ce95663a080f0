"""What every route shares: a full page or the HTMX fragments (`rendering`), form reading and
refusal (`forms`), flash messages (`flash`), and error pages (`errors`)."""
