"""Values the app hands to a browser and must get back unaltered, signed with the secret key;
each purpose has its own salt, so a value signed for one is refused by every other."""

from itsdangerous import URLSafeTimedSerializer
from starlette.requests import Request


def serializer(request: Request, purpose: str) -> URLSafeTimedSerializer:
    return signer(request.app.state.settings.secret_key, purpose)


def signer(secret_key: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=f"flicklist-{purpose}")
