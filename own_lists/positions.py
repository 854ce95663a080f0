"""Where an entry sits on a list: positions with room between them, so that adding a film (GAP
after the last: own_lists/store.ADD, history/list_plan.py) or moving one writes that one row.
Between two neighbours a move takes the middle; only when neighbours touch (after about sixteen
moves into the same gap) is the list spaced out again."""

GAP = 1 << 16


def between(before: int | None, after: int | None) -> int | None:
    """A position between the neighbours' (None: no neighbour on that side), or None when they
    leave no room (the list is then spaced out again: `spaced`)."""
    if before is None:
        return GAP if after is None else after - GAP
    if after is None:
        return before + GAP
    if after - before < 2:
        return None
    return (before + after) // 2


def spaced(count: int) -> list[int]:
    """Positions for `count` entries, GAP apart."""
    return [GAP * place for place in range(1, count + 1)]
