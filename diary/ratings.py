"""Ratings in half stars: stored as whole halves (1 is ½ a star, 10 is five stars) and written
the way a person types them, "0.5", "1", "1.5" … "5", whole stars without ".0"."""

HALVES = range(1, 11)
RATING_RULE = "Choose a rating from ½ to 5 stars, in half stars."


def written(halves: int) -> str:
    """`rating` as a form sends it: 8 is "4", 7 is "3.5"."""
    return f"{halves / 2:g}"


RATINGS = {written(halves): halves for halves in HALVES}


def spoken(halves: int) -> str:
    """The rating as a sentence reads it: 7 is "3.5 stars", 2 is "1 star"."""
    return f"{written(halves)} star{'' if halves == 2 else 's'}"
