"""One account's token reaches that account's lists and diary only: Bob's token neither sees
nor changes anything of Ann's, whatever ids it names."""

from support import texts_of_class


async def test_a_token_sees_only_its_own_accounts_lists_and_diary(user, program, bobs_program):
    await program.post("/api/v1/watchlist", {"title": "Ann's film"})
    await program.post("/api/v1/watched", {"title": "Ann's seen film"})
    await bobs_program.post("/api/v1/watchlist", {"title": "Bob's film"})
    for path in ("/api/v1/watchlist", "/api/v1/watched", "/api/v1/diary"):
        seen = str((await bobs_program.get(path)).json())
        assert "Ann" not in seen
    assert [item["title"] for item in (await bobs_program.get("/api/v1/watchlist")).json()["items"]] == ["Bob's film"]


async def test_a_token_cannot_change_another_accounts_films(user, program, bobs_program):
    anns = (await program.post("/api/v1/watchlist", {"title": "Heat"})).json()["id"]
    seen = (await program.post("/api/v1/watched", {"title": "Alien"})).json()["id"]
    assert (await bobs_program.delete(f"/api/v1/watchlist/{anns}")).status_code == 404
    assert (await bobs_program.delete(f"/api/v1/watched/{seen}")).status_code == 404
    assert (await bobs_program.post("/api/v1/diary", {"movie_id": anns, "rating": 2})).status_code == 404
    assert texts_of_class((await user.get("/")).text, "title") == ["Heat"]
    assert texts_of_class((await user.get("/watched")).text, "title") == ["Alien"]
    assert len((await program.get("/api/v1/diary")).json()["items"]) == 1
    # The same film on both accounts' lists is two entries, each its owner's.
    assert (await bobs_program.post("/api/v1/watchlist", {"title": "Heat"})).status_code == 201
    assert len((await program.get("/api/v1/watchlist")).json()["items"]) == 1


async def test_a_cursor_from_another_account_reads_only_ones_own_list(program, bobs_program):
    for number in range(3):
        await program.post("/api/v1/watchlist", {"title": f"Ann {number}"})
        await bobs_program.post("/api/v1/watchlist", {"title": f"Bob {number}"})
    anns_next = (await program.get("/api/v1/watchlist", limit=1)).json()["next"]
    page = (await bobs_program.get("/api/v1/watchlist", after=anns_next)).json()
    assert all(item["title"].startswith("Bob") for item in page["items"])
