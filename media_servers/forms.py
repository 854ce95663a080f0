"""The one field of a form that a media server puts its JSON in (Plex's multipart `payload`,
Emby's `data`), read straight from the body: the other parts (Plex's `thumb` poster) are
skipped unread, where a general form parser would copy each into a file object first."""

from urllib.parse import parse_qsl

from .events import BadPayload

BROKEN = "The form could not be read."


def boundary_of(content_type: str) -> bytes:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.strip().partition("=")
        if name.lower() == "boundary" and value.strip('"'):
            return value.strip('"').encode("latin-1", "replace")
    raise BadPayload(BROKEN)


def disposition_names(headers: bytes) -> tuple[str | None, bool]:
    """The part's `name`, and whether it is a file (has a `filename`), from its Content-Disposition."""
    for line in headers.split(b"\r\n"):
        header, _, value = line.partition(b":")
        if header.strip().lower() != b"content-disposition":
            continue
        name, is_file = None, False
        for parameter in value.decode("latin-1").split(";")[1:]:
            key, _, given = parameter.strip().partition("=")
            key = key.strip().lower()
            if key == "name":
                name = given.strip().strip('"')
            is_file = is_file or key in ("filename", "filename*")
        return name, is_file
    return None, False


def multipart_field(content_type: str, body: bytes, field: str) -> bytes | None:
    """The last value of the text field `field` in a multipart/form-data body, or None."""
    delimiter = b"--" + boundary_of(content_type)
    parts = body.split(delimiter)
    if len(parts) < 3 or not parts[-1].startswith(b"--"):
        raise BadPayload(BROKEN)  # no closing delimiter: cut short, or not multipart at all
    found = None
    for part in parts[1:-1]:
        if not part.startswith(b"\r\n") or not part.endswith(b"\r\n"):
            raise BadPayload(BROKEN)
        headers, separator, content = part[2:-2].partition(b"\r\n\r\n")
        if not separator:
            raise BadPayload(BROKEN)
        name, is_file = disposition_names(headers)
        if name == field and not is_file:
            found = content
    return found


def form_field(content_type: str, body: bytes, field: str) -> bytes | None:
    """The last value of the text field `field` of a multipart or URL-encoded form, or None."""
    if content_type.lower().startswith("multipart/form-data"):
        return multipart_field(content_type, body, field)
    try:  # as text: parse_qsl of bytes takes ASCII alone, and a title such as "Amélie" is not
        pairs = parse_qsl(body.decode(), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise BadPayload(BROKEN) from None
    values = [value for name, value in pairs if name == field]
    return values[-1].encode() if values else None
