"""Which generation of the catalog's credits and alternate titles is in use: a load writes the
next one beside it and then switches (catalog/people_load.py); every query of them asks for
the one in use. Kept as rows of instance_settings."""

from sqlalchemy import Integer, ScalarSelect, cast, select

from ..tables import instance_settings

CREDITS, AKAS = "catalog credits generation", "catalog akas generation"


def generation_in_use(name: str) -> ScalarSelect:
    """The generation in use, in a query (NULL, which matches no row, before the first load)."""
    value = select(cast(instance_settings.c.value, Integer)).where(instance_settings.c.name == name)
    return value.scalar_subquery()
