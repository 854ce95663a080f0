"""Error pages: unknown pages, wrong methods and unreadable forms get a clear answer in the
app's layout, never a 500."""

from support import flashes


async def test_an_unknown_page_is_a_404_in_the_apps_layout(user):
    response = await user.get("/no-such-page")
    assert response.status_code == 404
    assert "That page does not exist." in response.text and 'class="site-header"' in response.text


async def test_a_get_to_a_post_only_route_is_a_405(user):
    assert (await user.get("/movies")).status_code == 405


async def test_a_form_with_missing_fields_is_refused_with_a_message(visitor):
    response = await visitor.post("/register", {})
    assert (response.status_code, response.headers["location"]) == (303, "/register")
    assert flashes((await visitor.get("/register")).text) == [
        "Please enter your email address.",
        "Password must be at least 15 characters long.",
    ]
    assert (await visitor.get("/")).headers["location"] == "/login", "no account was made"


async def test_a_form_that_cannot_be_parsed_is_a_400(user):
    response = await user.client.post(
        "/movies",
        content=b"--x\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--x--\r\n",
        headers={"Content-Type": "multipart/form-data; boundary=x", "X-CSRF-Token": user.csrf_token},
    )
    assert response.status_code == 400
    assert "<h1>" in response.text and "Traceback" not in response.text
