"""Requests the API cannot take: each a 4xx with a JSON `{"error": …}` saying why, nothing
changed, never a 500 nor an HTML page."""

import pytest

BAD_BODIES = [
    (b"", 400),
    (b"{not json", 400),
    (b"[" * 100_00 + b"]" * 100_00, 400),  # nested past the parser's depth
    (b'{"title": "\xff\xfe"}', 400),  # not UTF-8
    (b'{"year": 1' + b"0" * 5000 + b"}", 400),  # a number past int()'s digits
    (b"[1, 2]", 422),
    (b'"Heat"', 422),
    (b"null", 422),
    (b"{}", 422),
    (b'{"titel": "Heat"}', 422),
    (b'{"title": ""}', 422),
    (b'{"title": "   "}', 422),
    (b'{"title": 42}', 422),
    (b'{"title": ["Heat"]}', 422),
    (b'{"title": "' + b"x" * 201 + b'"}', 422),
    (b'{"title": "Heat", "year": "1995"}', 422),
    (b'{"title": "Heat", "year": 1995.5}', 422),
    (b'{"title": "Heat", "year": true}', 422),
    (b'{"title": "Heat", "year": 3000}', 422),
    (b'{"title": "Heat", "year": NaN}', 422),
    (b'{"imdb_id": "0113277"}', 422),
    (b'{"imdb_id": "tt"}', 422),
    (b'{"imdb_id": 113277}', 422),
    (b'{"imdb_id": "tt0113277; DROP TABLE movies"}', 422),
]


@pytest.mark.parametrize("path", ["/api/v1/watchlist", "/api/v1/watched"])
@pytest.mark.parametrize(("body", "status"), BAD_BODIES)
async def test_a_body_that_is_not_a_film_is_refused_in_json_and_adds_nothing(program, path, body, status):
    answer = await program.post(path, content=body)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["error"]
    assert (await program.get(path)).json()["items"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"movie_id": "1"},
        {"movie_id": 0},
        {"movie_id": 2**40},
        {"movie_id": 1, "title": "Heat"},
        {"title": "Heat", "date": 20240101},
        {"title": "Heat", "date": "01/02/2024"},
        {"title": "Heat", "date": "1850-01-01"},
        {"title": "Heat", "rating": 3.5},
        {"title": "Heat", "rating": "7"},
        {"title": "Heat", "rating": 0},
        {"title": "Heat", "rewatch": "yes"},
        {"title": "Heat", "review": ["long"]},
        {"title": "Heat", "tags": "a, b"},
        {"title": "Heat", "tags": [1]},
        {"title": "Heat", "watched": True},
    ],
)
async def test_a_diary_entry_of_the_wrong_shape_is_422_and_logs_nothing(program, body):
    answer = await program.post("/api/v1/diary", body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"] and answer.json()["fields"]
    assert (await program.get("/api/v1/diary")).json()["items"] == []
    assert (await program.get("/api/v1/watchlist")).json()["items"] == []


async def test_a_body_past_the_limit_is_refused_before_it_is_read(program):
    answer = await program.post("/api/v1/diary", {"title": "Heat", "review": "x" * 70_000})
    assert answer.status_code == 413
    assert (await program.get("/api/v1/diary")).json()["items"] == []


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "0"},
        {"limit": "501"},
        {"limit": "ten"},
        {"limit": "-1"},
        {"limit": "1e3"},
        {"after": "nonsense"},
        {"after": "1.not-a-number"},
        {"after": "99999999999999999999.1"},
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/watchlist", "/api/v1/watched", "/api/v1/diary"])
async def test_a_page_asked_for_wrongly_is_400(program, path, query):
    answer = await program.get(path, **query)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]


async def test_no_such_path_or_method_is_json_too(program):
    answer = await program.get("/api/v1/nothing-here")
    assert answer.status_code == 404 and answer.json() == {"error": "There is no such API path."}
    answer = await program.client.put("/api/v1/watchlist", headers=program.headers)
    assert answer.status_code == 405 and answer.json()["error"]
    assert set(answer.headers["allow"].split(", ")) >= {"GET", "POST"}
    assert (await program.get("/api/v1/watchlist/abc")).status_code == 404
    assert (await program.delete("/api/v1/watchlist/99999999999")).status_code == 404
