"""Odd strings at every route's path, query and form parameters, logged in (with a film on
each list, a diary entry, share links, an invitation and another account, so every id in a
path names a row) and logged out: never a 5xx, and where a number, id, token or choice belongs
an odd value is refused with nothing written.

PARAMETERS lists what each route reads, kept by reading the routes; a route it does not name
fails the test, so the list stays complete as routes are added. A parameter is REFUSED when
an odd value can only be a mistake (it must write nothing, though the rest of the form, its
`baseline`, would have done the route's work) or KEPT when any text is a value (a title, a
review, where to go next): that one is sent alone, and only the status is checked.

What may change on any request, and so is left out of "nothing written": the throttle's
counts and the security log (a wrong password is counted and logged wherever it is typed),
WebAuthn challenges (any attempt spends one), when a session or account was last seen, and
a share link's count of visits (a visit is not a write the visitor asked for)."""

import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import count
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import LargeBinary, ScalarSelect, Text, cast, func, select
from starlette.routing import Mount, Route
from support import DATA, PASSWORD, Visitor

from flicklist.admin import invitations
from flicklist.catalog.people_load import CREW, NAMES, PRINCIPALS, load_people
from flicklist.sharing import links
from flicklist.tables import Base, users, viewings
from flicklist.tables import invitations as invitations_table

REFUSED, KEPT = "refused", "kept"


@dataclass(frozen=True)
class Parameters:
    query: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)
    baseline: dict[str, str] = field(default_factory=dict)  # a form that would do the route's work
    current_url: bool = False  # reads HX-Current-URL, the page htmx is on (to place a row in it)


NONE = Parameters()
LIST_VIEW = Parameters(
    query={
        "sort": REFUSED,
        "q": KEPT,
        "genre": REFUSED,
        "decade": REFUSED,
        "rated": REFUSED,
        "length": REFUSED,
        "liked": REFUSED,
        "director": REFUSED,
        "with": REFUSED,
        "after": REFUSED,
    }
)
VIEWING = {"watched_on": REFUSED, "rating": REFUSED, "rewatch": KEPT, "review": KEPT, "tags": KEPT}
LOGGED = {"watched_on": "2025-01-02", "rating": "4", "review": "Good."}
PASSWORD_CONFIRMED = Parameters(form={"confirm": REFUSED})
NEW_PASSWORD = "another horse battery staple"

PARAMETERS: dict[tuple[str, str], Parameters] = {
    ("GET", "/"): LIST_VIEW,
    ("GET", "/watched"): LIST_VIEW,
    ("POST", "/movies"): Parameters(
        form={"title": KEPT, "film": REFUSED, "anyway": KEPT}, baseline={"title": "{fresh}"}, current_url=True
    ),
    ("POST", "/movies/restore"): Parameters(form={"undo": REFUSED, "back": KEPT}, current_url=True),
    ("POST", "/movies/{movie_id:row_id}/watched"): Parameters(form={"back": KEPT}),
    ("POST", "/movies/{movie_id:row_id}/unwatched"): Parameters(
        form={"viewing": REFUSED, "back": KEPT}, current_url=True
    ),
    ("POST", "/movies/{movie_id:row_id}/rating"): Parameters(form={"rating": REFUSED, "back": KEPT}),
    ("POST", "/movies/{movie_id:row_id}/like"): Parameters(form={"liked": REFUSED, "back": KEPT}),
    ("POST", "/movies/{movie_id:row_id}/delete"): NONE,
    ("POST", "/movies/bulk"): Parameters(
        form={"action": REFUSED, "movie": REFUSED, "back": KEPT}, baseline={"action": "delete", "movie": "{movie}"}
    ),
    ("POST", "/movies/bulk/undo"): Parameters(form={"undo": REFUSED, "back": KEPT}, current_url=True),
    ("GET", "/pick"): LIST_VIEW,
    # Lists of one's own (features/own_lists.py). A `place` that is a whole number, however large,
    # is a place (past the end is the end), and the probes' own adds give the world's list more
    # films, so such a value may move one: kept, not refused; anything else there is a 422.
    ("GET", "/lists"): NONE,
    ("POST", "/lists"): Parameters(form={"name": KEPT, "description": KEPT, "ranked": KEPT}),
    ("POST", "/lists/restore"): Parameters(form={"undo": REFUSED}),
    ("POST", "/lists/films"): Parameters(
        form={"list": REFUSED, "film": REFUSED, "title": KEPT, "back": KEPT},
        baseline={"list": "{list}", "title": "{fresh}"},
    ),
    ("GET", "/lists/{list_id:row_id}"): Parameters(
        query={"sort": REFUSED, "seen": REFUSED, "q": KEPT, "after": REFUSED, "director": REFUSED, "with": REFUSED}
    ),
    ("POST", "/lists/{list_id:row_id}/edit"): Parameters(form={"name": KEPT, "description": KEPT, "ranked": KEPT}),
    ("GET", "/lists/{list_id:row_id}/delete"): NONE,
    ("POST", "/lists/{list_id:row_id}/delete"): NONE,
    ("POST", "/lists/{list_id:row_id}/films"): Parameters(
        form={"title": KEPT, "film": REFUSED}, baseline={"title": "{fresh}"}
    ),
    ("POST", "/lists/{list_id:row_id}/entries/{entry_id:row_id}/move"): Parameters(form={"to": REFUSED, "place": KEPT}),
    ("POST", "/lists/{list_id:row_id}/entries/{entry_id:row_id}/note"): Parameters(form={"note": KEPT}),
    ("POST", "/lists/{list_id:row_id}/entries/{entry_id:row_id}/remove"): NONE,
    ("POST", "/lists/{list_id:row_id}/entries/{entry_id:row_id}/watched"): NONE,
    # Shared lists and film nights: an editor who is no friend is left out (kept: nothing else).
    ("POST", "/lists/{list_id:row_id}/editors"): Parameters(form={"editor": KEPT}),
    ("GET", "/lists/{list_id:row_id}/pick"): Parameters(query={"with": REFUSED}),
    ("POST", "/lists/{list_id:row_id}/nights"): Parameters(
        form={"entry": REFUSED, "on": REFUSED}, baseline={"entry": "{entry}", "on": "{day}"}
    ),
    ("POST", "/lists/{list_id:row_id}/nights/{night_id:row_id}/cancel"): NONE,
    ("GET", "/films/search"): Parameters(query={"q": KEPT}),
    ("GET", "/movies/{movie_id:row_id}/film"): Parameters(query={"q": KEPT}),
    ("POST", "/movies/{movie_id:row_id}/film"): Parameters(form={"film": REFUSED}),
    ("GET", "/films/{film_id:row_id}"): NONE,
    ("GET", "/people/{person_id:row_id}"): Parameters(query={"sort": REFUSED}),
    # Friends (features/friends.py): Ann has no profile name, so no ask goes out; a valid odd
    # profile name may be saved (kept).
    ("GET", "/friends"): Parameters(query={"after": REFUSED}),
    ("POST", "/friends/follow"): Parameters(form={"who": REFUSED}),
    ("POST", "/friends/{follow_id:row_id}/accept"): NONE,
    ("POST", "/friends/{follow_id:row_id}/decline"): NONE,
    ("POST", "/friends/{follow_id:row_id}/end"): NONE,
    ("POST", "/friends/{follow_id:row_id}/block"): NONE,
    ("POST", "/friends/blocked/{user_id:row_id}/unblock"): NONE,
    ("POST", "/friends/together/{invitation_id:row_id}/add"): Parameters(form={"rating": REFUSED}),
    ("POST", "/friends/together/{invitation_id:row_id}/dismiss"): NONE,
    ("POST", "/account/profile"): Parameters(
        form={"profile_name": KEPT, "share_diary": KEPT, "share_reviews": KEPT, "share_watchlist": KEPT, "back": KEPT}
    ),
    ("GET", "/people/{person_id:row_id}/add-films"): NONE,
    ("POST", "/people/{person_id:row_id}/add-films"): NONE,
    ("GET", "/movies/{movie_id:row_id}"): NONE,
    ("GET", "/diary"): Parameters(query={"after": REFUSED}),
    ("GET", "/movies/{movie_id:row_id}/log"): NONE,
    ("POST", "/movies/{movie_id:row_id}/log"): Parameters(form={**VIEWING, "with": KEPT}, baseline=LOGGED),
    ("POST", "/viewings/restore"): Parameters(form={"undo": REFUSED}),
    ("GET", "/viewings/{viewing_id:row_id}"): NONE,
    ("POST", "/viewings/{viewing_id:row_id}"): Parameters(form=VIEWING, baseline=LOGGED),
    ("POST", "/viewings/{viewing_id:row_id}/delete"): NONE,
    ("GET", "/films/{film_id:row_id}/poster"): NONE,
    ("GET", "/movies/{movie_id:row_id}/poster"): NONE,
    ("GET", "/account"): NONE,
    ("POST", "/account/password"): Parameters(
        form={"current": REFUSED, "password": REFUSED, "verify": REFUSED},
        baseline={"current": PASSWORD, "password": NEW_PASSWORD, "verify": NEW_PASSWORD},
    ),
    ("POST", "/account/logout-others"): NONE,
    ("POST", "/account/delete"): PASSWORD_CONFIRMED,
    ("GET", "/account/export.zip"): NONE,
    ("GET", "/account/import"): NONE,
    ("POST", "/account/import"): Parameters(form={"file": REFUSED}),
    ("GET", "/account/import/{job_id:row_id}"): NONE,
    ("POST", "/account/import/{job_id:row_id}/apply"): NONE,
    ("POST", "/account/import/{job_id:row_id}/cancel"): NONE,
    ("GET", "/account/api-tokens"): NONE,
    ("POST", "/account/api-tokens"): Parameters(form={"token_name": KEPT}),
    ("POST", "/account/api-tokens/{token_id:row_id}/revoke"): NONE,
    ("GET", "/account/media-servers"): NONE,
    ("POST", "/account/media-servers/time-zone"): Parameters(form={"zone": REFUSED}, baseline={"zone": "Europe/Paris"}),
    ("POST", "/account/media-servers/{kind}/new"): NONE,
    ("POST", "/account/media-servers/{kind}/revoke"): NONE,
    # A media server's webhook and the feeds (features/media_servers.py, features/feeds.py): the
    # token in the path is the credential; their payloads' odd input: tests/media_servers/.
    ("POST", "/webhooks/{server}/{token}"): NONE,
    ("GET", "/feeds/radarr/{token}"): NONE,
    ("GET", "/feeds/diary/{token}.rss"): NONE,
    ("GET", "/feeds/nights/{token}.ics"): NONE,
    ("GET", "/share"): Parameters(query={"list": KEPT}),
    ("POST", "/share"): Parameters(
        form={"list": REFUSED, "name": KEPT, "reviews": KEPT, "expires": REFUSED},
        baseline={"list": "watchlist", "name": "Mine", "expires": "7"},
    ),
    ("POST", "/share/{link_id:row_id}/revoke"): NONE,
    ("POST", "/share/{link_id:row_id}/replace"): NONE,
    ("GET", "/s/{token:str}"): LIST_VIEW,
    ("GET", "/s/{token:str}/posters/{movie_id:row_id}"): NONE,
    ("GET", "/stats"): Parameters(query={"year": REFUSED}),
    ("GET", "/account/totp"): NONE,
    ("POST", "/account/totp"): Parameters(form={"code": REFUSED}),
    ("POST", "/account/totp/remove"): PASSWORD_CONFIRMED,
    ("POST", "/account/passkeys/options"): NONE,
    ("POST", "/account/passkeys"): Parameters(form={"name": KEPT, "credential": REFUSED}, baseline={"name": "Key"}),
    ("POST", "/account/passkeys/{passkey_id:row_id}/remove"): PASSWORD_CONFIRMED,
    ("POST", "/account/recovery-codes"): PASSWORD_CONFIRMED,
    ("GET", "/login/verify"): NONE,
    ("POST", "/login/verify"): Parameters(form={"code": REFUSED}),
    ("POST", "/login/passkey/options"): NONE,
    ("POST", "/login/passkey"): Parameters(form={"credential": REFUSED, "next": KEPT}),
    ("POST", "/login/oidc"): Parameters(form={"next": KEPT, "invite": KEPT}),
    ("GET", "/login/oidc/callback"): Parameters(query={"code": REFUSED, "state": REFUSED, "error": REFUSED}),
    ("POST", "/account/single-sign-on"): NONE,
    ("POST", "/account/single-sign-on/remove"): NONE,
    ("GET", "/admin"): NONE,
    ("POST", "/admin/registration"): Parameters(form={"mode": REFUSED}),
    ("POST", "/admin/invitations"): Parameters(form={"days": REFUSED, "uses": REFUSED}),
    ("POST", "/admin/invitations/{invitation_id:row_id}/revoke"): NONE,
    ("POST", "/admin/users/{user_id:row_id}/disable"): NONE,
    ("POST", "/admin/users/{user_id:row_id}/enable"): NONE,
    ("POST", "/admin/users/{user_id:row_id}/end-sessions"): NONE,
    ("POST", "/admin/users/{user_id:row_id}/promote"): NONE,
    ("POST", "/admin/users/{user_id:row_id}/demote"): NONE,
    ("POST", "/admin/users/{user_id:row_id}/delete"): PASSWORD_CONFIRMED,
    ("GET", "/admin/confirm"): NONE,
    ("POST", "/admin/confirm"): Parameters(form={"password": REFUSED}),
    ("POST", "/admin/confirm/passkey/options"): NONE,
    ("POST", "/admin/confirm/passkey"): Parameters(form={"credential": REFUSED}),
    ("GET", "/register"): Parameters(query={"invite": KEPT}),
    ("POST", "/register"): Parameters(
        query={"invite": KEPT},
        form={"email": REFUSED, "password": REFUSED, "verify": REFUSED, "invite": KEPT},
        baseline={"email": "cy@example.com", "password": PASSWORD, "verify": PASSWORD},
    ),
    ("GET", "/login"): Parameters(query={"next": KEPT}),
    ("POST", "/login"): Parameters(
        query={"next": KEPT},
        form={"email": REFUSED, "password": REFUSED, "next": KEPT},
        baseline={"email": "ann@example.com", "password": PASSWORD},
    ),
    ("POST", "/logout"): NONE,
    ("GET", "/password/forgot"): NONE,
    ("POST", "/password/forgot"): Parameters(form={"email": REFUSED}),
    ("GET", "/password/reset/{token}"): NONE,
    ("GET", "/password/reset"): NONE,
    ("POST", "/password/reset"): Parameters(form={"password": REFUSED, "verify": REFUSED}),
    ("GET", "/email/confirm/{token}"): NONE,
    ("GET", "/email/confirm"): NONE,
    ("POST", "/email/confirm"): NONE,
    ("GET", "/email/unverified"): NONE,
    ("POST", "/email/resend"): NONE,
    ("POST", "/account/email"): Parameters(
        form={"new_email": REFUSED, "email_password": REFUSED},
        baseline={"new_email": "ann@example.net", "email_password": PASSWORD},
    ),
    ("POST", "/admin/users/{user_id:row_id}/reset-link"): Parameters(form={"minutes": REFUSED}),
    ("POST", "/admin/links/{link_id:row_id}/revoke"): NONE,
    ("GET", "/healthz"): NONE,
    ("GET", "/static/{path:path}"): NONE,
    # The API (features/api.py), a mount answering JSON; its own odd input: tests/api/test_bad_requests.py.
    ("GET", "/api/{path:path}"): NONE,
}
IGNORED_TABLES = {"login_throttle", "security_events", "webauthn_challenges"}
IGNORED_COLUMNS = {
    "login_sessions": {"last_seen_at"},
    "users": {"last_seen_at"},
    "share_links": {"times_opened", "last_opened_at"},
}
PATH_PARAMETER = re.compile(r"{(\w+)(?::\w+)?}")


def route_keys(app) -> set[tuple[str, str]]:
    keys = set()
    for route in app.routes:
        if isinstance(route, Mount):
            keys.add(("GET", f"{route.path}/{{path:path}}"))
        elif isinstance(route, Route):
            keys |= {(method, route.path) for method in route.methods - {"HEAD"}}
    return keys


@dataclass(frozen=True)
class Target:
    """One parameter of one route, into which an odd value goes."""

    method: str
    path: str
    where: str  # "path", "query", "form" or "header" (HX-Current-URL, the watchlist's query string)
    name: str
    rule: str


def targets() -> list[Target]:
    found = []
    for (method, path), parameters in PARAMETERS.items():
        found += [Target(method, path, "path", name, REFUSED) for name in PATH_PARAMETER.findall(path)]
        found += [Target(method, path, "query", name, rule) for name, rule in parameters.query.items()]
        found += [Target(method, path, "form", name, rule) for name, rule in parameters.form.items()]
        if parameters.current_url:  # the odd value in each of the list's parameters in turn
            found += [Target(method, path, "header", name, KEPT) for name in LIST_VIEW.query]
    return found


TARGETS = targets()

# What odd looks like: digits int() refuses or that are not ASCII, numbers past every column,
# signs, dots, percent-encodings (sent encoded once more, so the server sees them as typed),
# control characters, lone surrogates (sent as the bytes UTF-8 would give them), very long.
# None is a value some field takes ("1.5" is a rating): that would be a write asked for.
ODD_PIECES = [
    "²", "٣", "\uff11\uff12", "\U0001d7d7", "Ⅻ", "½", "-1", "0", "+1", "2.25", "1e3", "0x1f", "1_000",
    ".", "..", "1.", ".1",
    "%00", "%C2%B2", "%2F", "%ED%A0%80", "\x00", "\ud800", "\udfff", "\n", "\u202e", "\ufeff",
    "9" * 20, str(2**31), str(2**63), str(2**64), "-" + "9" * 20, "9" * 5000, "x" * 5000,
    "", "null", "NaN", "inf", "[]", "{}", '"', "<", "&", "=", "?", "#", "/", ";",
]  # fmt: skip
ODD = st.one_of(
    st.sampled_from(ODD_PIECES),
    st.lists(st.sampled_from(ODD_PIECES), min_size=2, max_size=4).map("".join),
    # Digits of every script but ASCII's 1 to 9 (an id that exists), punctuation but "@" (an email).
    st.text(
        st.characters(categories=["Nd", "No", "Nl", "Cc", "Cs", "Zs", "Pd", "Po"], exclude_characters="123456789@"),
        max_size=12,
    ),
    st.integers(min_value=2**31).map(str),
    st.integers(max_value=-1).map(str),
)


def encoded(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


@dataclass
class World:
    """The ids that exist, by path parameter: what a path holds when its other parameter is odd."""

    ids: dict[str, str]
    fresh: count = field(default_factory=count)
    # The rows as the last checked probe left them, unchanged: the next probe's
    # "before" when no other probe has run since, so each takes one snapshot rather than two.
    unchanged: dict[str, list] | None = None

    def path(self, template: str, odd: str | None = None, odd_name: str = "") -> str:
        def value(match: re.Match) -> str:
            if match.group(1) == odd_name:
                return quote(encoded(odd), safe="")
            return self.ids[match.group(1)]

        return PATH_PARAMETER.sub(value, template)

    def baseline(self, parameters: Parameters) -> dict[str, str]:
        values = {"fresh": f"Probe {next(self.fresh)}", "movie": self.ids["movie_id"], "list": self.ids["list_id"]}
        values |= {"entry": self.ids["entry_id"], "day": (date.today() + timedelta(days=3)).isoformat()}
        return {name: value.format(**values) for name, value in parameters.baseline.items()}


@pytest.fixture
async def ann_and_world(app, make_visitor, catalog) -> tuple[Visitor, World]:
    """Ann (the admin, logged in and lately confirmed) with a film on each list, one of them the
    catalog's (with its people), a viewing, share links and an invitation; Bob, another account."""
    await load_people(app.state.db, {name: DATA / f"{name}.tsv" for name in (PRINCIPALS, CREW, NAMES)})
    ann = await make_visitor()
    await ann.register("ann@example.com")
    bob = await make_visitor()
    await bob.register("bob@example.com")
    await ann.get("/")
    await ann.add("Heat")
    await ann.post("/movies", {"film": str(catalog["tt0000101"])})
    await ann.add("Alien")
    alien = await ann.movie_id("Alien")
    await ann.post(f"/movies/{alien}/watched")
    await ann.post("/admin/confirm", {"password": PASSWORD})
    made = await ann.post("/lists", {"name": "Favourites", "description": ""})
    list_id = made.headers["location"].rsplit("/", 1)[1]
    added = await ann.post(f"/lists/{list_id}/films", {"title": "Heat"})
    entry_id = added.headers["location"].rsplit("#entry-", 1)[1]
    async with app.state.db.transaction() as connection:
        ann_id, bob_id = [
            (await connection.execute(select(users.c.id).where(users.c.email == email))).scalar_one()
            for email in ("ann@example.com", "bob@example.com")
        ]
        token = await links.create(connection, ann_id, "watched", "Seen", True, None)
        await links.create(connection, ann_id, "diary", "Diary", True, None)
        await invitations.create(connection, ann_id, 7, 1)
        viewing = (await connection.execute(select(viewings.c.id))).scalar_one()
        invitation = (await connection.execute(select(invitations_table.c.id))).scalar_one()
    ids = {
        "movie_id": str(await ann.movie_id("Heat")),
        "list_id": list_id,
        "entry_id": entry_id,
        "film_id": str(catalog["tt0000101"]),
        "person_id": "1",  # Michael Mann, of that film
        "viewing_id": str(viewing),
        "link_id": token.partition(".")[0],
        "token": token,
        "invitation_id": str(invitation),
        "follow_id": "1",
        "night_id": "1",
        "user_id": str(bob_id),
        "passkey_id": "1",
        "job_id": "1",
        "path": "app.js",
        "kind": "rss",
        "server": "plex",
    }
    return ann, World(ids)


def rows_in_json(dialect: str, table) -> ScalarSelect:
    """A table's rows as one JSON array of arrays, so that every table is read in one statement."""
    columns = [column for column in table.columns if column.name not in IGNORED_COLUMNS.get(table.name, ())]
    if dialect == "postgresql":
        rows = func.json_agg(func.json_build_array(*columns))
    else:
        rows = func.json_group_array(
            func.json_array(
                *[func.hex(column) if isinstance(column.type, LargeBinary) else column for column in columns]
            )
        )
    return select(cast(rows, Text)).select_from(table).scalar_subquery()


async def snapshot(app) -> dict[str, list]:
    """Every row of every table that no request should change unasked."""
    tables = [table for table in Base.metadata.sorted_tables if table.name not in IGNORED_TABLES]
    dialect = app.state.db.engine.dialect.name
    async with app.state.db.engine.connect() as connection:
        everything = (await connection.execute(select(*[rows_in_json(dialect, table) for table in tables]))).one()
    return {
        table.name: sorted(json.loads(rows or "[]"), key=repr) for table, rows in zip(tables, everything, strict=True)
    }


async def send(visitor: Visitor, world: World, target: Target, odd: str):
    """The route's request with `odd` in the target's parameter (and for a REFUSED form field,
    the rest of the form its baseline)."""
    parameters = PARAMETERS[target.method, target.path]
    path = world.path(target.path, odd, target.name if target.where == "path" else "")
    if target.where == "query":
        path += f"?{quote_plus(target.name)}={quote_plus(encoded(odd))}"
    headers = {}
    if target.where == "header":
        headers = {"HX-Request": "true", "HX-Current-URL": f"http://testserver/?{target.name}={quote(encoded(odd))}"}
    if target.method == "GET":
        return await visitor.client.get(path, headers=headers)
    if visitor.csrf_token is None:
        await visitor.get("/login")
    form = {"csrf_token": visitor.csrf_token}
    if (target.where == "form" and target.rule == REFUSED) or target.where == "header":
        form |= world.baseline(parameters)
    if target.where == "form":
        form[target.name] = odd
    body = "&".join(f"{quote_plus(name)}={quote_plus(encoded(value))}" for name, value in form.items())
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return await visitor.client.post(path, content=body, headers=headers)


async def probe(app, visitor: Visitor, world: World, target: Target, odd: str) -> None:
    # Nothing but spaces is no value at all, as an empty field is (a date left blank is today).
    checked = target.method == "GET" or (target.rule == REFUSED and odd.strip() != "")
    before = (world.unchanged or await snapshot(app)) if checked else None
    world.unchanged = None
    try:
        response = await send(visitor, world, target, odd)
    except Exception as error:  # the app's own, raised through the test client: a 500
        raise AssertionError(f"{target} with {odd!r}: {error!r}") from error
    assert response.status_code < 500, (target, odd, response.status_code)
    if checked:
        after = await snapshot(app)
        assert after == before, (target, odd, "wrote a row")
        world.unchanged = after


def test_the_table_names_every_route_and_each_route_it_names_exists(app):
    assert route_keys(app) == set(PARAMETERS)


# Each example sends an odd value to every parameter; a failure names its route, parameter and
# value, so there is nothing to shrink (which would send them all again, hundreds of times).
HYPOTHESIS = settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.mark.slow
@HYPOTHESIS
@given(data=st.data())
async def test_odd_values_in_every_parameter_logged_in_are_never_a_500_and_write_nothing(app, ann_and_world, data):
    ann, world = ann_and_world
    for target in TARGETS:
        await probe(app, ann, world, target, data.draw(ODD, label=f"{target.method} {target.path} {target.name}"))


@pytest.mark.slow
@HYPOTHESIS
@given(data=st.data())
async def test_odd_values_in_every_parameter_logged_out_are_never_a_500_and_write_nothing(
    app, ann_and_world, visitor, data
):
    _, world = ann_and_world
    for target in TARGETS:
        await probe(app, visitor, world, target, data.draw(ODD, label=f"{target.method} {target.path} {target.name}"))
