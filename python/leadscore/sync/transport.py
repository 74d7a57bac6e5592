"""The small HTTP layer behind `--send`: one injectable transport function plus retries.

Everything that talks to a CRM goes through a `Transport`, a plain function
from `HttpRequest` to `HttpResponse`. The default one uses `urllib.request`
from the standard library; tests pass a fake one, so no test touches the network.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

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
    """The request got no HTTP response (DNS, refused connection, timeout): retryable."""


Transport = Callable[[HttpRequest], HttpResponse]
Sleep = Callable[[float], None]


def urllib_transport(request: HttpRequest, *, timeout: float = 120.0) -> HttpResponse:
    """Send `request` with urllib; HTTP error statuses come back as responses, not raises."""
    prepared = urllib.request.Request(
        request.url, data=request.body, headers=dict(request.headers), method=request.method
    )
    try:
        with urllib.request.urlopen(prepared, timeout=timeout) as reply:
            return HttpResponse(
                status=reply.status,
                headers={k.lower(): v for k, v in reply.headers.items()},
                body=reply.read(),
            )
    except urllib.error.HTTPError as error:
        return HttpResponse(
            status=error.code,
            headers={k.lower(): v for k, v in (error.headers or {}).items()},
            body=error.read() or b"",
        )
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise TransportError(f"{request.method} {request.url}: {error}") from error


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
    retryable one). Raises TransportError if the last attempt got no response.
    """
    policy = policy or RetryPolicy()
    for attempt in range(1, policy.max_attempts + 1):
        response: HttpResponse | None
        try:
            response = transport(request)
        except TransportError as error:
            if attempt == policy.max_attempts:
                raise
            response, problem = None, str(error)
        else:
            if response.status not in RETRYABLE_STATUSES or attempt == policy.max_attempts:
                return response
            problem = f"HTTP {response.status}"
        delay = retry_delay(attempt, response, policy)
        log(f"  {problem}; retry {attempt}/{policy.max_attempts - 1} in {delay:.1f}s")
        sleep(delay)
    raise AssertionError("unreachable: the loop returns or raises on its last attempt")
