"""The body limit: a request larger than FLICKLIST_MAX_BODY_BYTES is a 413 page and stores nothing."""


async def test_an_oversized_body_is_refused_with_413(user):
    response = await user.post("/movies", {"title": "x" * 70_000})
    assert response.status_code == 413
    assert "That form is too large to accept." in response.text
    assert 'class="movie"' not in (await user.get("/")).text
