"""The small HTTP layer behind `--send`: one injectable transport function plus retries.

Everything that talks to a CRM goes through a `Transport`, a plain function
from `HttpRequest` to `HttpResponse`. The default one uses `urllib.request`
from the standard library; tests pass a fake one, so no test touches the network.

`urllib_transport` turns every way a request can fail without a complete HTTP
response (refused or reset connection, timeout, a body cut short) into a
retryable `TransportError`. It follows a redirect only for GET/HEAD and only to
the same scheme, host and port; any other redirect is refused with a
non-retryable `RedirectRefused`, so a bearer token is never sent to another
host and an upsert POST is never silently turned into a GET.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import IO

RETRYABLE_STATUSES: frozenset[int] = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class HttpRequest:
    """One HTTP request. Headers may hold a bearer token: never print them."""

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass(frozen=True)
class HttpResponse:
    """Status, headers (lower-case names) and raw body of one HTTP response."""

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def text(self) -> str:
        """The body decoded as UTF-8 (undecodable bytes replaced)."""
        return self.body.decode("utf-8", errors="replace")


class TransportError(Exception):
    """The request got no complete HTTP response (DNS, refused or reset connection,
    timeout, truncated body): retryable."""

    retryable: bool = True


class RedirectRefused(TransportError):
    """The server redirected to another origin, or redirected a non-GET request.

    Not retryable: the same request would be redirected again. The message names
    both URLs, never the headers.
    """

    retryable = False


Transport = Callable[[HttpRequest], HttpResponse]
Sleep = Callable[[float], None]


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of `url`, lower-case, with the scheme's default port filled in."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None:
        port = {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port


class SameOriginRedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only for GET/HEAD to the same scheme, host and port.

    urllib's default handler copies every request header, Authorization
    included, to wherever the Location points, and turns a redirected POST into
    a GET without its body. This one raises `RedirectRefused` instead.
    """

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        method = req.get_method()
        problem = None
        if origin(newurl) != origin(req.full_url):
            problem = "to another host; the credentials are not sent there"
        elif method not in ("GET", "HEAD"):
            problem = f"of a {method} request; it would be re-sent as GET without its body"
        if problem:
            fp.close()
            raise RedirectRefused(
                f"{method} {req.full_url}: refused HTTP {code} redirect to {newurl} {problem}. "
                "Check the configured URL (e.g. https://, the instance or API host)."
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def build_opener() -> urllib.request.OpenerDirector:
    """urllib's default opener (proxies from the environment, HTTPS) with safe redirects."""
    return urllib.request.build_opener(SameOriginRedirectHandler())


# What urllib and http.client raise when no complete response arrived: OSError
# covers URLError, refused/reset connections (RemoteDisconnected too), socket
# timeouts and TLS errors; HTTPException covers IncompleteRead and BadStatusLine.
_NO_RESPONSE_ERRORS: tuple[type[BaseException], ...] = (OSError, http.client.HTTPException)


def urllib_transport(
    request: HttpRequest,
    *,
    timeout: float = 120.0,
    opener: urllib.request.OpenerDirector | None = None,
) -> HttpResponse:
    """Send `request` with urllib; HTTP error statuses come back as responses, not raises.

    Raises TransportError (retryable) when no complete response arrived, including
    a body cut short, and RedirectRefused for a redirect it will not follow.
    """
    prepared = urllib.request.Request(
        request.url, data=request.body, headers=dict(request.headers), method=request.method
    )
    try:
        try:
            with (opener or build_opener()).open(prepared, timeout=timeout) as reply:
                return HttpResponse(
                    status=reply.status,
                    headers={k.lower(): v for k, v in reply.headers.items()},
                    body=reply.read(),
                )
        except urllib.error.HTTPError as error:
            try:
                return HttpResponse(
                    status=error.code,
                    headers={k.lower(): v for k, v in (error.headers or {}).items()},
                    body=error.read() or b"",
                )
            finally:
                error.close()
    except _NO_RESPONSE_ERRORS as error:
        raise TransportError(
            f"{request.method} {request.url}: no complete response "
            f"({type(error).__name__}: {error})"
        ) from error


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: base_delay, 2x, 4x, ... capped at max_delay seconds.

    A `Retry-After` header (seconds or HTTP date) from the server takes
    precedence, capped at max_delay too.
    """

    max_attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 60.0


def retry_delay(attempt: int, response: HttpResponse | None, policy: RetryPolicy) -> float:
    """Seconds to wait before attempt number `attempt + 1` (attempts count from 1)."""
    if response is not None:
        hinted = _retry_after_seconds(response.headers.get("retry-after"))
        if hinted is not None:
            return min(max(hinted, 0.0), policy.max_delay)
    return min(policy.base_delay * 2 ** (attempt - 1), policy.max_delay)


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment.timestamp() - time.time()


def send_with_retry(
    request: HttpRequest,
    transport: Transport,
    *,
    policy: RetryPolicy | None = None,
    sleep: Sleep = time.sleep,
    log: Callable[[str], None] = lambda _message: None,
) -> HttpResponse:
    """Send `request`, retrying 429, 5xx and network errors with backoff.

    Returns the last response (a success, a non-retryable error, or the final
    retryable one). Raises TransportError, saying how many attempts were made,
    if the last attempt got no response; a non-retryable TransportError (such as
    RedirectRefused) is raised at once.
    """
    policy = policy or RetryPolicy()
    for attempt in range(1, policy.max_attempts + 1):
        response: HttpResponse | None
        try:
            response = transport(request)
        except TransportError as error:
            if not error.retryable:
                raise
            if attempt == policy.max_attempts:
                raise TransportError(f"{error}; gave up after {attempt} attempt(s)") from error
            response, problem = None, str(error)
        else:
            if response.status not in RETRYABLE_STATUSES or attempt == policy.max_attempts:
                return response
            problem = f"HTTP {response.status}"
        delay = retry_delay(attempt, response, policy)
        log(f"  {problem}; retry {attempt}/{policy.max_attempts - 1} in {delay:.1f}s")
        sleep(delay)
    raise AssertionError("unreachable: the loop returns or raises on its last attempt")
