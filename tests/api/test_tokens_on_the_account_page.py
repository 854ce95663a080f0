"""The account page lists the API tokens, as /account/api-tokens does, each revocable there."""

import re

from api_support import make_token
from support import texts_of_class


async def test_the_account_page_lists_the_tokens_and_revokes_one(user):
    await make_token(user, "Phone")
    await make_token(user, "Laptop")
    page = (await user.get("/account")).text
    assert [row.split(" ")[0] for row in texts_of_class(page, "api-token")] == ["Laptop", "Phone"]
    last = re.findall(r'action="/account/api-tokens/(\d+)/revoke"', page)[-1]
    assert (await user.post(f"/account/api-tokens/{last}/revoke")).status_code == 303
    page = (await user.get("/account")).text
    assert [row.split(" ")[0] for row in texts_of_class(page, "api-token")] == ["Laptop"]
