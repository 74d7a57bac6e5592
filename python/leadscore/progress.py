"""Progress lines of the long steps (training, scoring, backtest, drift), and their way into dbt.

The library logs what it is doing with the standard ``logging`` module, on the loggers under
``leadscore`` (``leadscore.ml.train``, ``leadscore.ml.scoring``, ...), at INFO: one line per
step or batch, never per row, each starting with the step (``training:``, ``scoring:``,
``backtest:``, ``drift:``) and giving rows (thousands separated) and the seconds it took.
Elapsed times are read from a monotonic clock for these lines only; nothing the functions
return depends on them.

Outside dbt nothing is shown unless the caller configures logging (e.g.
``logging.basicConfig(level=logging.INFO)``). The dbt Python models run their one call in
``with log_to_dbt():``, which hands the ``leadscore`` records to dbt's event stream, so each
line appears in the dbt console while the model runs and in ``logs/dbt.log``, prefixed
``leadscore:``. dbt is imported only there, when a record is written, so the package stays
usable without dbt.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

#: The logger every module of the package logs under (``logging.getLogger(__name__)``).
LOGGER = "leadscore"


class Stopwatch:
    """Seconds since it was made, for progress lines: ``f"{watch}"`` reads ``12.3 s``."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    @property
    def seconds(self) -> float:
        """Seconds elapsed since the stopwatch was made."""
        return time.perf_counter() - self.started

    def __str__(self) -> str:
        return f"{self.seconds:.1f} s"


class DbtEventHandler(logging.Handler):
    """Forwards log records to dbt's event stream (dbt's console and ``logs/dbt.log``).

    Each record becomes a dbt ``Note`` event at the matching level, its text prefixed
    ``leadscore:``. dbt's event manager is looked up on every record, so a handler that
    outlives one dbt invocation (tests run many in one process) writes to the current one.
    """

    def emit(self, record: logging.LogRecord) -> None:
        try:
            from dbt_common.events.base_types import EventLevel
            from dbt_common.events.functions import fire_event
            from dbt_common.events.types import Note

            if record.levelno >= logging.ERROR:
                level = EventLevel.ERROR
            elif record.levelno >= logging.WARNING:
                level = EventLevel.WARN
            elif record.levelno >= logging.INFO:
                level = EventLevel.INFO
            else:
                level = EventLevel.DEBUG
            fire_event(Note(msg=f"{LOGGER}: {self.format(record)}"), level=level)
        except Exception:
            self.handleError(record)


@contextmanager
def log_to_dbt(level: int = logging.INFO) -> Iterator[None]:
    """While in the block, show the package's progress lines in dbt's console and log.

    For the dbt Python models (they run inside the dbt process)::

        with log_to_dbt():
            return training_run(...)

    Adds one :class:`DbtEventHandler` to the ``leadscore`` logger, lets ``level`` and above
    through and stops the records from propagating (the dbt process has a root handler on
    stderr, which would print each line a second time); all three are undone when the last
    block open in the process ends (dbt runs models on several threads, so blocks overlap).
    """
    global _open_blocks, _saved
    logger = logging.getLogger(LOGGER)
    with _lock:
        if _open_blocks == 0:
            handler = DbtEventHandler()
            _saved = (handler, logger.level, logger.propagate)
            logger.addHandler(handler)
            logger.propagate = False
            if logger.level == logging.NOTSET or logger.level > level:
                logger.setLevel(level)
        _open_blocks += 1
    try:
        yield
    finally:
        with _lock:
            _open_blocks -= 1
            if _open_blocks == 0 and _saved is not None:
                handler, saved_level, saved_propagate = _saved
                logger.removeHandler(handler)
                logger.setLevel(saved_level)
                logger.propagate = saved_propagate
                _saved = None


_lock = threading.Lock()
_open_blocks = 0
_saved: tuple[DbtEventHandler, int, bool] | None = None
