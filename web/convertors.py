"""URL convertors the routes use. Importing this module registers them, so a feature that
uses `{name:row_id}` imports it before building its routes."""

from starlette.convertors import IntegerConvertor, register_url_convertor


class RowIdConvertor(IntegerConvertor):
    """Ids of up to 18 digits: a longer one cannot exist and would overflow the database's integer."""

    regex = "[0-9]{1,18}"


register_url_convertor("row_id", RowIdConvertor())
