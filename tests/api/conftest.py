"""Fixtures for the API's tests: Ann (the `user` fixture) with a token, and the program that
holds it; Bob, another account, with his."""

import pytest
from api_support import Program, make_token


@pytest.fixture
async def program(user, visitor_of, app) -> Program:
    """A program holding a token Ann made."""
    return Program((await visitor_of(app)).client, await make_token(user))


@pytest.fixture
async def bob(make_visitor):
    bob = await make_visitor()
    assert (await bob.register("bob@example.com")).status_code == 303
    return bob


@pytest.fixture
async def bobs_program(bob, visitor_of, app) -> Program:
    return Program((await visitor_of(app)).client, await make_token(bob, "Bob's script"))
