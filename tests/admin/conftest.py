"""Fixtures for running an instance: its admin (the first account) and other people."""

import pytest
from support import Visitor


@pytest.fixture
async def admin(user) -> Visitor:
    """ann@example.com, the instance's first account and so its admin, logged in."""
    return user
