"""Single sign-on with an OpenID Connect provider, through Authlib's Starlette client:
authorization code flow with PKCE (S256), `state` and `nonce` kept in the session, the ID
token's signature, `iss`, `aud`, `exp` and `nonce` checked by Authlib against the provider's
discovery document and keys, with a bounded clock skew."""

import warnings
from dataclasses import dataclass
from urllib.parse import urlsplit

import authlib.deprecate  # noqa: F401  (its filter first, so that the one below comes before it)
import httpx
from authlib.common.errors import AuthlibBaseError
from joserfc.errors import JoseError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..settings import Settings
from .origin import site_origin

with warnings.catch_warnings():
    # Authlib 1.9 prefers the httpx2 fork and warns when it finds httpx, which FlickList uses.
    warnings.simplefilter("ignore", DeprecationWarning)
    from authlib.integrations.starlette_client import OAuth

CLOCK_SKEW_SECONDS = 60
CALLBACK_PATH = "/login/oidc/callback"


class SignOnFailed(Exception):
    """The provider's answer could not be trusted or used; the message says why, for a person."""


@dataclass(frozen=True)
class Identity:
    issuer: str
    subject: str
    email: str
    groups: tuple[str, ...]


def provider(settings: Settings):
    """The configured provider as an Authlib client, or None when single sign-on is off."""
    if not settings.oidc_issuer:
        return None
    oauth = OAuth()
    return oauth.register(
        "oidc",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret or None,
        server_metadata_url=f"{settings.oidc_issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": settings.oidc_scopes, "code_challenge_method": "S256", "timeout": 10},
    )


def provider_origin(settings: Settings) -> str:
    """The provider's origin, where the sign-in form's redirect leads ("" without single sign-on)."""
    parts = urlsplit(settings.oidc_issuer)
    return f"{parts.scheme}://{parts.netloc}" if settings.oidc_issuer else ""


def callback_url(request: Request) -> str:
    return site_origin(request) + CALLBACK_PATH


async def redirect_to_provider(request: Request) -> Response:
    """Off to the provider's login page; what the callback needs is kept in the session."""
    client = request.app.state.single_sign_on
    try:
        sent = await client.authorize_redirect(request, callback_url(request))
    except (AuthlibBaseError, httpx.HTTPError, KeyError, ValueError) as error:
        raise SignOnFailed(f"could not reach it ({type(error).__name__})") from error
    return RedirectResponse(sent.headers["location"], status_code=303)


async def identity_from_callback(request: Request) -> Identity:
    """Who the provider says came back: the code exchanged (once), the ID token checked. The
    email and groups may come from the ID token or the userinfo endpoint, which must name the
    same subject."""
    client = request.app.state.single_sign_on
    if error := request.query_params.get("error"):
        raise SignOnFailed("it was cancelled" if error == "access_denied" else f"it answered “{error[:60]}”")
    try:
        token = await client.authorize_access_token(request, leeway=CLOCK_SKEW_SECONDS)
        claims = dict(token.get("userinfo") or {})
        if not claims.get("sub") or not claims.get("iss"):
            raise SignOnFailed("it sent no ID token")
        try:
            extra = dict(await client.userinfo(token=token))
        except (AuthlibBaseError, httpx.HTTPError, ValueError):
            extra = {}
    except SignOnFailed:
        raise
    except (AuthlibBaseError, JoseError) as error:
        reason = getattr(error, "description", None) or getattr(error, "error", None) or type(error).__name__
        raise SignOnFailed(f"its answer was refused: {reason}") from error
    except (httpx.HTTPError, KeyError, ValueError) as error:
        raise SignOnFailed(f"could not reach it ({type(error).__name__})") from error
    if extra.get("sub") == claims["sub"]:
        claims = {**extra, **claims}
    groups = claims.get("groups") or ()
    return Identity(
        issuer=str(claims["iss"]),
        subject=str(claims["sub"]),
        email=claims.get("email") if isinstance(claims.get("email"), str) else "",
        groups=tuple(group for group in groups if isinstance(group, str)) if isinstance(groups, list) else (),
    )
