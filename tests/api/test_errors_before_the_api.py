"""Refusals made before a request reaches the API (the body limit, the head limit) are JSON
too, as the API's own are: a program reading `{"error": …}` never gets an HTML page."""


async def test_a_body_past_the_limit_is_a_json_413(program, settings):
    answer = await program.post("/api/v1/watchlist", {"title": "x" * (settings.max_body_bytes + 1)})
    assert answer.status_code == 413
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == {"error": "That form is too large to accept."}
    assert (await program.get("/api/v1/watchlist")).json()["items"] == []


async def test_headers_past_the_limit_are_a_json_431(program, settings):
    answer = await program.client.get(
        "/api/v1/watchlist", headers={**program.headers, "X-Padding": "x" * settings.max_header_bytes}
    )
    assert answer.status_code == 431
    assert answer.headers["content-type"] == "application/json"
    assert "headers are too large" in answer.json()["error"]
