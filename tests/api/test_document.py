"""The API's OpenAPI document (/api/openapi.json): valid OpenAPI 3.1, naming every route the
app has under /api/v1/ and no other; and the same document as a page (/api/docs) that asks
nothing of another site."""

import re

from openapi_spec_validator import validate
from starlette.routing import Mount
from support import text_of

from flicklist.api.document import SCHEMAS


async def test_the_document_is_valid_openapi_3_1(visitor):
    answer = await visitor.client.get("/api/openapi.json")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    document = answer.json()
    assert document["openapi"].startswith("3.1")
    validate(document)


def routes_under_api(app) -> set[tuple[str, str]]:
    """(method, path) of every /api/v1 route the app has, paths as OpenAPI writes them."""
    [mount] = [route for route in app.routes if isinstance(route, Mount) and route.path == "/api"]
    found = set()
    for route in mount.routes:
        path = "/api" + re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
        if path.startswith("/api/v1/"):
            found |= {(method, path) for method in route.methods if method != "HEAD"}
    return found


async def test_the_document_names_every_route_and_only_those(app, visitor):
    document = (await visitor.client.get("/api/openapi.json")).json()
    documented = {(method.upper(), path) for path, methods in document["paths"].items() for method in methods}
    assert documented == routes_under_api(app)
    assert len(documented) == 8


async def test_every_documented_operation_needs_the_token(app, visitor):
    document = (await visitor.client.get("/api/openapi.json")).json()
    assert document["security"] == [{"bearer": []}]
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            assert "401" in operation["responses"]
            answer = await visitor.client.request(method, path.replace("{id}", "1"), json={"title": "Heat"})
            assert answer.status_code == 401, (method, path)


async def test_the_docs_page_shows_every_operation_and_schema_and_asks_no_other_site(visitor):
    answer = await visitor.client.get("/api/docs")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    page = answer.text
    document = (await visitor.client.get("/api/openapi.json")).json()
    text = text_of(page)
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            assert f"{method.upper()} {path}" in text
            assert operation["summary"] in text
    for name, schema in SCHEMAS.items():
        assert f'id="schema-{name}"' in page
        assert all(field in text for field in schema["properties"])
    assert "limit" in text and "after" in text and "Authorization: Bearer" in text
    assert not re.search(r'(src|href|action)="(https?:)?//', page), "no request to another site"
    assert "cdn" not in page.lower() and "swagger" not in page.lower()
    assert "default-src 'self'" in answer.headers["content-security-policy"]
