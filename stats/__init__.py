"""A person's year in film (/stats): figures from their diary, and the charts that draw them."""
