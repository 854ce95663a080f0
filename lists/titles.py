"""What a title typed for a list may be: the watchlist's add and a list of one's own share it."""

TITLE_MAX = 200
TERRIBLE_MOVIES = {
    title.casefold()
    for title in (
        "Gigli",
        "Star Wars Episode 1: Attack of the Clones",
        "Paul Blart: Mall Cop 2",
        "Nine Lives",
        "Starship Troopers",
    )
}
NOT_IN_CATALOG = "That film is not in the catalog (any more). Type its title instead."


def check_title(title: str, anyway: bool = False) -> str | None:
    """`title` as clean_text() left it; its casefold() (the stored key) may be longer ("ß": "ss").
    `anyway`: the person was warned off a terrible movie and insists."""
    if not title:
        return "Please specify the movie you want to add."
    if max(len(title), len(title.casefold())) > TITLE_MAX:
        return f"A title can be at most {TITLE_MAX} characters long."
    if title.casefold() in TERRIBLE_MOVIES and not anyway:
        return f"Trust me, you don't want to add '{title}' to your watchlist."
    return None
