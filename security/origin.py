"""The site's own origin, as its visitors' browsers know it: FLICKLIST_PUBLIC_ORIGIN behind a
proxy, else the request's scheme and host. Links handed out (invitations, share links), the
single sign-on callback and the passkeys' relying party all start from it."""

from starlette.requests import Request


def site_origin(request: Request) -> str:
    return request.app.state.settings.public_origin or f"{request.url.scheme}://{request.url.netloc}"
