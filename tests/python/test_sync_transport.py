"""urllib_transport against real sockets: truncated bodies, dropped connections, redirects.

Every server here listens on 127.0.0.1 only, on a free port, in a daemon thread
that the `serve` context manager stops; client timeouts keep each test bounded.
"""

from __future__ import annotations

import http.client
import threading
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from leadscore.sync.cli import main
from leadscore.sync.tables import CHANGES_COLUMNS
from leadscore.sync.transport import (
    HttpRequest,
    HttpResponse,
    RedirectRefused,
    TransportError,
    origin,
    send_with_retry,
    urllib_transport,
)

TOKEN = "Bearer secret-token-123"
CRM = "https://crm.example"
SALESFORCE_ENV = {"SALESFORCE_INSTANCE_URL": CRM, "SALESFORCE_ACCESS_TOKEN": "secret-token-123"}
TIMEOUT = 5.0


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests to 127.0.0.1 and localhost must not go through a proxy from the environment."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@dataclass
class Seen:
    """One request a local server received."""

    method: str
    path: str
    headers: dict[str, str]


Respond = Callable[[BaseHTTPRequestHandler, int], None]  # (handler, 1-based hit number)


@dataclass
class LocalServer:
    url: str
    seen: list[Seen] = field(default_factory=list)


@contextmanager
def serve(respond: Respond) -> Iterator[LocalServer]:
    """An HTTP server on 127.0.0.1 that answers every request with `respond`."""
    lock = threading.Lock()
    state: dict[str, Any] = {}

    class Handler(BaseHTTPRequestHandler):
        def handle_any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            server: LocalServer = state["server"]
            with lock:
                server.seen.append(Seen(self.command, self.path, dict(self.headers.items())))
                hit = len(server.seen)
            # the client may give up first (the timeout test)
            with suppress(BrokenPipeError, ConnectionResetError):
                respond(self, hit)

        do_GET = do_POST = do_PUT = do_PATCH = handle_any

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state["server"] = LocalServer(f"http://127.0.0.1:{httpd.server_port}")
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield state["server"]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=TIMEOUT)


def reply(handler: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str) -> None:
    handler.send_response(status)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


def truncated(handler: BaseHTTPRequestHandler) -> None:
    """Promise 100 bytes, send 7, close the connection."""
    handler.send_response(200)
    handler.send_header("Content-Length", "100")
    handler.end_headers()
    handler.wfile.write(b'{"id":')
    handler.close_connection = True


def to_local(server: LocalServer) -> Callable[[HttpRequest], HttpResponse]:
    """The real urllib transport, with the CLI's https://crm.example host sent to `server`."""

    def send(request: HttpRequest) -> HttpResponse:
        return transport(replace(request, url=request.url.replace(CRM, server.url)))

    return send


def get(url: str) -> HttpRequest:
    return HttpRequest("GET", url, {"Authorization": TOKEN, "Accept": "application/json"})


transport = partial(urllib_transport, timeout=TIMEOUT)


# ------------------------------------------------------------ truncated / dropped responses


def test_a_truncated_body_is_a_retryable_transport_error() -> None:
    with (
        serve(lambda handler, _hit: truncated(handler)) as server,
        pytest.raises(TransportError, match="IncompleteRead") as raised,
    ):
        transport(get(f"{server.url}/jobs"))

    assert raised.value.retryable
    assert isinstance(raised.value.__cause__, http.client.IncompleteRead)


def test_a_truncated_body_is_retried_with_backoff_then_succeeds() -> None:
    def respond(handler: BaseHTTPRequestHandler, hit: int) -> None:
        if hit <= 2:
            truncated(handler)
        else:
            reply(handler, 200, b'{"id":"750X"}')

    waits: list[float] = []
    with serve(respond) as server:
        response = send_with_retry(get(f"{server.url}/jobs"), transport, sleep=waits.append)

    assert (response.status, response.body) == (200, b'{"id":"750X"}')
    assert len(server.seen) == 3
    assert waits == [1.0, 2.0]


def test_a_body_truncated_every_time_ends_in_a_clear_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changes = tmp_path / "changes.parquet"
    _changes_frame().write_parquet(changes)
    state = tmp_path / "state.parquet"
    waits: list[float] = []
    with serve(lambda handler, _hit: truncated(handler)) as server:
        code = main(
            [
                "salesforce",
                "--changes",
                str(changes),
                "--out",
                str(tmp_path / "sf"),
                "--send",
                "--mark-synced",
                "--state",
                str(state),
                "--max-attempts",
                "3",
            ],
            environ=SALESFORCE_ENV,
            transport=to_local(server),
            sleep=waits.append,
        )

    assert code == 1
    assert len(server.seen) == 3  # the job creation POST, tried --max-attempts times
    assert waits == [1.0, 2.0]
    err = capsys.readouterr().err
    assert f"error: job 1/1: POST {server.url}/services/data/v62.0/jobs/ingest" in err
    assert "no complete response (IncompleteRead" in err
    assert "gave up after 3 attempt(s)" in err
    assert "Traceback" not in err
    assert "secret-token-123" not in err
    assert not state.exists()


def _close_without_answer(handler: BaseHTTPRequestHandler, _hit: int) -> None:
    handler.close_connection = True  # http.client raises RemoteDisconnected


def _answer_too_late(handler: BaseHTTPRequestHandler, _hit: int) -> None:
    threading.Event().wait(1.0)  # longer than the client's 0.2 s timeout
    reply(handler, 200, b"late")


@pytest.mark.parametrize(
    ("respond", "cause"),
    [(_close_without_answer, http.client.RemoteDisconnected), (_answer_too_late, TimeoutError)],
    ids=["remote-disconnected", "socket-timeout"],
)
def test_a_dropped_or_silent_connection_is_a_retryable_transport_error(
    respond: Respond, cause: type[BaseException]
) -> None:
    with serve(respond) as server, pytest.raises(TransportError) as raised:
        urllib_transport(get(f"{server.url}/jobs"), timeout=0.2)

    assert raised.value.retryable
    assert isinstance(raised.value.__cause__, cause)


class FakeReply:
    def __init__(self, error: BaseException) -> None:
        self.status = 200
        self.headers: dict[str, str] = {}
        self.error = error

    def read(self) -> bytes:
        raise self.error

    def __enter__(self) -> FakeReply:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None


class FakeOpener(urllib.request.OpenerDirector):
    """Raises `error` when opening (`on_open`) or when reading the body."""

    def __init__(self, error: BaseException, *, on_open: bool) -> None:
        super().__init__()
        self.error, self.on_open = error, on_open

    def open(self, *_args: Any, **_kwargs: Any) -> Any:  # type: ignore[override]
        if self.on_open:
            raise self.error
        return FakeReply(self.error)


@pytest.mark.parametrize(
    ("error", "on_open"),
    [
        (ConnectionResetError(104, "Connection reset by peer"), True),
        (ConnectionResetError(104, "Connection reset by peer"), False),
        (http.client.IncompleteRead(b"{", 99), False),
        (TimeoutError("The read operation timed out"), False),
        (http.client.BadStatusLine("garbage"), True),
    ],
    ids=["reset-on-open", "reset-on-read", "incomplete-read", "read-timeout", "bad-status"],
)
def test_every_kind_of_missing_response_becomes_a_transport_error(
    error: BaseException, on_open: bool
) -> None:
    opener = FakeOpener(error, on_open=on_open)
    with pytest.raises(TransportError, match=type(error).__name__) as raised:
        urllib_transport(get("https://crm.example/x"), opener=opener)
    assert raised.value.retryable
    assert raised.value.__cause__ is error


def test_an_error_status_whose_body_is_cut_short_is_a_transport_error() -> None:
    def respond(handler: BaseHTTPRequestHandler, _hit: int) -> None:
        handler.send_response(503)
        handler.send_header("Content-Length", "50")
        handler.end_headers()
        handler.wfile.write(b"busy")
        handler.close_connection = True

    with serve(respond) as server, pytest.raises(TransportError, match="IncompleteRead"):
        transport(get(f"{server.url}/jobs"))


# ------------------------------------------------------------------------------ redirects


def _echo_authorization(handler: BaseHTTPRequestHandler) -> None:
    reply(handler, 200, (handler.headers.get("Authorization") or "none").encode())


def test_a_same_host_redirect_keeps_the_token() -> None:
    def respond(handler: BaseHTTPRequestHandler, _hit: int) -> None:
        if handler.path == "/start":
            reply(handler, 302, b"", Location="/final")
        else:
            _echo_authorization(handler)

    with serve(respond) as server:
        response = transport(get(f"{server.url}/start"))

    assert (response.status, response.body) == (200, TOKEN.encode())
    assert [(seen.path, seen.headers.get("Authorization")) for seen in server.seen] == [
        ("/start", TOKEN),
        ("/final", TOKEN),
    ]


def test_a_redirect_to_another_host_is_refused_and_the_token_is_not_sent_there() -> None:
    with serve(lambda handler, _hit: _echo_authorization(handler)) as other:
        other_url = other.url.replace("127.0.0.1", "localhost")
        # "localhost" does reach the other server: had the redirect been followed,
        # the token would be in `other.seen`.
        assert urllib.request.urlopen(f"{other_url}/ping", timeout=TIMEOUT).read() == b"none"
        other.seen.clear()

        def respond(handler: BaseHTTPRequestHandler, _hit: int) -> None:
            reply(handler, 302, b"", Location=f"{other_url}/steal")

        waits: list[float] = []
        with serve(respond) as server, pytest.raises(RedirectRefused) as raised:
            send_with_retry(get(f"{server.url}/start"), transport, sleep=waits.append)

    assert other.seen == []
    assert len(server.seen) == 1 and waits == []  # not retried: it would redirect again
    message = str(raised.value)
    assert f"{server.url}/start" in message and f"{other_url}/steal" in message
    assert "another host" in message
    assert "secret-token" not in message


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirected_post_is_refused_instead_of_resent_as_get(status: int) -> None:
    def respond(handler: BaseHTTPRequestHandler, _hit: int) -> None:
        if handler.path == "/upsert":
            reply(handler, status, b"", Location="/elsewhere")
        else:
            reply(handler, 200, b"{}")

    with serve(respond) as server:
        request = HttpRequest("POST", f"{server.url}/upsert", {"Authorization": TOKEN}, b"{}")
        with pytest.raises(RedirectRefused, match="POST request"):
            transport(request)

    assert [seen.path for seen in server.seen] == ["/upsert"]


def test_a_cross_host_redirect_fails_the_sync_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changes = tmp_path / "changes.parquet"
    _changes_frame().write_parquet(changes)

    def respond(handler: BaseHTTPRequestHandler, _hit: int) -> None:
        if handler.command == "POST":  # the job is created, the upload is redirected
            reply(handler, 200, b'{"id":"750X","state":"Open"}')
        else:
            reply(handler, 307, b"", Location="http://localhost:9/x")

    with serve(respond) as server:
        code = main(
            ["salesforce", "--changes", str(changes), "--out", str(tmp_path / "sf"), "--send"],
            environ=SALESFORCE_ENV,
            transport=to_local(server),
            sleep=lambda _seconds: None,
        )

    assert code == 1
    err = capsys.readouterr().err
    assert "refused HTTP 307 redirect to http://localhost:9/x" in err
    assert "Traceback" not in err and "secret-token-123" not in err


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("https://a.example/x", "https://A.EXAMPLE:443/y", True),
        ("http://127.0.0.1:8000/a", "http://127.0.0.1:8000/b?c=1", True),
        ("http://127.0.0.1:8000/a", "http://localhost:8000/a", False),
        ("http://127.0.0.1:8000/a", "http://127.0.0.1:8001/a", False),
        ("http://a.example/x", "https://a.example/x", False),
        ("https://a.example/x", "https://a.example.evil.test/x", False),
    ],
)
def test_origin_compares_scheme_host_and_port(first: str, second: str, same: bool) -> None:
    assert (origin(first) == origin(second)) is same


def _changes_frame() -> pl.DataFrame:
    """Two changed leads with every column the Salesforce command reads."""
    rows = [
        {column: None for column in CHANGES_COLUMNS}
        | {"lead_id": lead_id, "sync_hash": f"hash-{lead_id}", "score": "50", "tier": "nurture"}
        for lead_id in ("L1", "L2")
    ]
    return pl.DataFrame(rows, schema=dict.fromkeys(CHANGES_COLUMNS, pl.String))
