"""The dependencies as declared: uvicorn is bounded to the versions whose internals `flicklist
serve` builds on (web/http_protocol.py, cli.serve), and those internals are there, as used."""

import asyncio
import inspect
import tomllib
from importlib.metadata import version

import uvicorn
from browser_support import PROJECT_DIR
from packaging.requirements import Requirement
from uvicorn.main import STARTUP_FAILURE
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState
from uvicorn.supervisors import Multiprocess
from uvicorn.supervisors.multiprocess import Process


def declared(name: str) -> Requirement:
    project = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["project"]
    return next(requirement for line in project["dependencies"] if (requirement := Requirement(line)).name == name)


def parameters(function) -> list[str]:
    return [name for name in inspect.signature(function).parameters if name != "self"]


def test_the_installed_uvicorn_is_within_the_declared_bound_and_the_bound_has_an_upper_end():
    specifier = declared("uvicorn").specifier
    assert specifier.contains(version("uvicorn")), f"uvicorn {version('uvicorn')} is outside {specifier}"
    assert any(spec.operator == "<" for spec in specifier), "internals change between uvicorn's minor versions"


def test_the_supervisor_and_server_that_cli_serve_uses_are_there_as_used():
    assert STARTUP_FAILURE == 3, "a worker's failed start, as cli.serve compares its exit code"
    assert parameters(Multiprocess.__init__) == ["config", "sockets"]
    assert isinstance(inspect.getattr_static(Process, "exitcode"), property)
    config = uvicorn.Config(
        "flicklist.cli:served_app",
        factory=True,
        h11_max_incomplete_event_size=16 * 1024,
        timeout_keep_alive=5,
        limit_concurrency=1000,
        proxy_headers=False,
        forwarded_allow_ips=None,
        access_log=False,
        http=HttpToolsProtocol,
    )
    assert callable(config.bind_socket)
    assert uvicorn.Server(config).started is False


def test_the_httptools_protocol_has_the_methods_and_state_bounded_head_protocol_extends():
    for method, arguments in {
        "connection_made": ["transport"],
        "connection_lost": ["exc"],
        "data_received": ["data"],
        "on_message_begin": [],
        "on_headers_complete": [],
        "on_response_complete": [],
        "send_400_response": ["msg"],
    }.items():
        assert parameters(getattr(HttpToolsProtocol, method)) == arguments, method
    assert STATUS_LINE[408].startswith(b"HTTP/1.1 408 ") and STATUS_LINE[503].startswith(b"HTTP/1.1 503 ")
    config = uvicorn.Config(lambda scope, receive, send: None, h11_max_incomplete_event_size=1024)
    loop = asyncio.new_event_loop()
    try:
        protocol = HttpToolsProtocol(config, ServerState(), {}, _loop=loop)
    finally:
        loop.close()
    assert protocol.config is config and protocol.loop is loop and protocol.cycle is None
    assert protocol.logger.name == "uvicorn.error" and protocol.server_state.default_headers == []
