"""URL convertors the routes use. Importing this module registers them, so a feature that
uses `{name:row_id}` imports it before building its routes."""

from starlette.convertors import IntegerConvertor, register_url_convertor

from ..whole_numbers import INTEGER_MAX, pattern_up_to


class RowIdConvertor(IntegerConvertor):
    """Ids in ASCII digits up to the largest an id column holds: a path with a larger one
    names no page (a 404), rather than a number the database cannot compare."""

    regex = pattern_up_to(INTEGER_MAX)


register_url_convertor("row_id", RowIdConvertor())
