"""What the API's tests share: a token made as a person makes one (on the account page's form,
read from the page that answers it), and a program that calls the API with it, holding no
cookie."""

import re
from typing import Any

from httpx import AsyncClient, Response


async def make_token(owner, name: str = "Backup script") -> str:
    """The token `owner` makes on the account page, as the page answering the form shows it."""
    answer = await owner.post("/account/api-tokens", {"token_name": name})
    assert answer.status_code == 303, answer.text
    page = (await owner.get(answer.headers["location"])).text
    match = re.search(r'<code class="secret">([^<]+)</code>', page)
    assert match, "the new token is on the page that answers the form"
    return match.group(1)


class Program:
    """Another program using the API with a token: no cookies, JSON in and out."""

    def __init__(self, client: AsyncClient, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    async def get(self, url: str, **params: Any) -> Response:
        return await self.client.get(url, params=params, headers=self.headers)

    async def post(self, url: str, body: Any = None, content: bytes | None = None) -> Response:
        if content is not None:
            return await self.client.post(url, content=content, headers=self.headers)
        return await self.client.post(url, json=body, headers=self.headers)

    async def delete(self, url: str) -> Response:
        return await self.client.delete(url, headers=self.headers)

    async def every(self, url: str, **params: Any) -> list[dict]:
        """Every item of a paged list, following `next` to the end."""
        found, after = [], None
        while True:
            answer = await self.get(url, **params, **({"after": after} if after else {}))
            assert answer.status_code == 200, answer.text
            found += answer.json()["items"]
            if (after := answer.json()["next"]) is None:
                return found
