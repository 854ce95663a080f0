"""Film posters: fetched from TMDB in the background, kept in the poster folder, served by FlickList."""
