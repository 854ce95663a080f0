"""Fixtures for running an instance: its admin (the first account) and other people."""

import pytest
from httpx import ASGITransport, AsyncClient
from support import Visitor


@pytest.fixture
async def admin(user) -> Visitor:
    """ann@example.com, the instance's first account and so its admin, logged in."""
    return user


@pytest.fixture
async def visitor_of():
    """make(app): a visitor browsing `app` (an app made with other settings)."""
    clients = []

    async def make(app) -> Visitor:
        client = AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver")
        clients.append(client)
        return Visitor(client)

    yield make
    for client in clients:
        await client.aclose()
