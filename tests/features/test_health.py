"""The health check monitors poll, outside the login wall."""


async def test_healthz_answers_ok_when_the_database_answers(visitor):
    response = await visitor.get("/healthz")
    assert (response.status_code, response.text) == (200, "ok")
