"""A real OpenID Connect provider for the tests: oidc-provider-mock (Authlib's server on
Flask) served by werkzeug on 127.0.0.1 in a thread. Its login form takes any subject; the
claims each subject gets are set with PUT /users/{sub}."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, quote, urlencode, urlsplit, urlunsplit

import httpx
import oidc_provider_mock
from werkzeug.serving import make_server


@contextmanager
def running_provider() -> Iterator[str]:
    """The provider's issuer URL while it runs. It insists on a nonce, as FlickList sends one."""
    server = make_server("127.0.0.1", 0, oidc_provider_mock.app(require_nonce=True), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def set_claims(issuer: str, subject: str, **claims) -> None:
    response = httpx.put(f"{issuer}/users/{quote(subject, safe='')}", json=claims)
    assert response.status_code == 204


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    return urlunsplit(parts._replace(query=urlencode({**query, **changes})))


async def authorize(authorize_url: str, subject: str) -> str:
    """A person signing in at the provider as `subject`: its form posted; the answer is the
    URL it sends the browser back to (FlickList's callback with a code and the state)."""
    async with httpx.AsyncClient() as browser:
        answer = await browser.post(authorize_url, data={"sub": subject})
    assert answer.status_code in (302, 303), answer.text
    return answer.headers["location"]
