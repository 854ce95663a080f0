"""Importing a history whose titles are in another language: a name no film's own title
matches is looked for among the films' titles elsewhere (IMDb's title.akas)."""

from history_support import counted, import_file, letterboxd_export
from support import DATA, text_of

from flicklist.catalog.load import load_catalog
from flicklist.catalog.people_load import load_people


async def load_everything(db) -> None:
    await load_catalog(db, DATA / "title.basics.tsv", DATA / "title.ratings.tsv")
    await load_people(db, {"title.akas": DATA / "title.akas.tsv"})


async def test_a_diary_whose_titles_are_in_another_language_is_matched_through_the_alternate_titles(app, user):
    await load_everything(app.state.db)
    diary = [
        ["2024-03-01", "Die fabelhafte Welt der Amélie", "2001", "4", "", "", "2024-03-01"],
        ["2024-03-02", "Fogo Contra Fogo", "1995", "5", "", "", "2024-03-02"],
        ["2024-03-03", "Leon - Der Profi", "", "4.5", "", "", "2024-03-03"],
        ["2024-03-04", "Heat", "1995", "", "", "", "2024-03-04"],
    ]
    done = await import_file(user, "letterboxd.zip", letterboxd_export(diary=diary))
    assert counted(done)["to_watched"] == 3, "Heat (1995) is the same film as Fogo Contra Fogo"
    watched = text_of((await user.get("/watched")).text)
    assert "Amélie" in watched and "Léon: The Professional" in watched and "Heat" in watched
    assert "Die fabelhafte" not in watched and "Fogo" not in watched, "each film under its primary title"
