"""The layout the code keeps, checked on every module's imports (read from its syntax tree,
nothing imported), so a newcomer can trust the tree:

- A module in `features/` holds routes and imports domain packages, never another feature:
  what two features share lives in a package both import.
- Domain code knows no HTTP: a module outside `features/`, `web/`, `middleware/`, `security/`
  (the sign-in machinery: cookies, passkeys, single sign-on, the security log of requests)
  and the modules about HTTP (`app.py`, `auth.py`, `cli.py`) imports neither
  `starlette.requests`, `starlette.exceptions`, `starlette.responses` nor anything in `web/`
  or `features/`: `diary/`, `lists/`, `history/`, `catalog/`, `posters/`, `stats/`, `sharing/`,
  `admin/` take a database and plain values.
- No import cycles among the package's modules, at import time or inside functions, nor
  between its packages."""

import ast
from pathlib import Path

import pytest

PACKAGE = "flicklist"
ROOT = Path(__file__).resolve().parents[1]
NOT_CODE = {"tests", "bench", "docs", "migrations", "var", "build", "dist", ".venv", "node_modules"}
HTTP_PACKAGES = ("features", "web", "middleware", "security")
HTTP_MODULES = ("app", "auth", "cli")
HTTP_ONLY = ("starlette.requests", "starlette.exceptions", "starlette.responses")


def module_files() -> dict[str, Path]:
    """Every module of the package by dotted name ("features.watchlist"; "" for __init__)."""
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[0] in NOT_CODE or parts[0].startswith(".") or parts == ("setup",):
            continue
        found[".".join(parts).removesuffix(".__init__").removesuffix("__init__")] = path
    return found


MODULES = module_files()


def imports_of(name: str) -> set[str]:
    """The absolute names `name` imports: the package's own modules without the package
    prefix ("web.rendering"), and any other as written ("starlette.requests")."""
    path = MODULES[name]
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.removeprefix(f"{PACKAGE}.") for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1])
                module = ".".join(part for part in (base, node.module or "") if part)
            else:
                module = (node.module or "").removeprefix(f"{PACKAGE}.").removeprefix(PACKAGE)
            names.add(module)
            # `from . import audit`: the name may be a module of its own.
            names.update(f"{module}.{alias.name}".strip(".") for alias in node.names)
    return names


def own_modules(names: set[str]) -> set[str]:
    return {name for name in names if name in MODULES}


def is_http(name: str) -> bool:
    return name.split(".")[0] in HTTP_PACKAGES or name in HTTP_MODULES


@pytest.mark.parametrize("name", sorted(name for name in MODULES if name.startswith("features.")))
def test_a_feature_imports_no_other_feature(name):
    others = {imported for imported in own_modules(imports_of(name)) if imported.startswith("features.")}
    assert others == set()


@pytest.mark.parametrize("name", sorted(name for name in MODULES if name and not is_http(name)))
def test_domain_code_imports_nothing_of_http(name):
    imported = imports_of(name)
    http = {module for module in imported if module.startswith(HTTP_ONLY)}
    http |= {module for module in own_modules(imported) if module.split(".")[0] in ("web", "features")}
    assert http == set()


def cycles_in(graph: dict[str, set[str]]) -> list[str]:
    cycles = []
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for imported in sorted(graph[name]):
            if state.get(imported) == "open":
                cycles.append(" -> ".join([*path[path.index(imported) :], imported]))
            elif imported not in state:
                visit(imported, [*path, imported])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    return cycles


def test_no_module_imports_itself_back():
    graph = {name: own_modules(imports_of(name)) - {name, ""} for name in MODULES}
    # A package's own modules import it only to reach its siblings, which is no cycle of code.
    graph = {
        name: {module for module in imported if not name.startswith(f"{module}.")} for name, imported in graph.items()
    }
    assert cycles_in(graph) == []


def test_packages_depend_on_each_other_one_way():
    """`web/` may use `diary/`, or `diary/` `web/`, not both: each package (a folder, or a
    module at the top) can be read knowing only those below it."""
    graph: dict[str, set[str]] = {}
    for name in MODULES:
        package = name.split(".")[0]
        imported = {module.split(".")[0] for module in own_modules(imports_of(name))}
        graph.setdefault(package, set()).update(imported - {package, ""})
    assert cycles_in(graph) == []
