"""A dbt-duckdb plugin: two failures end in one clear message instead of a Python traceback.

1. A Python model stopped by a :class:`leadscore.errors.UserFacingError` (an export or report
   path it cannot write, a var it cannot read). dbt-duckdb reports any exception of a Python
   model as "Python model failed:" and the whole traceback, some 20 lines around the one that
   matters ("cannot write the model report to ... Set dbt var report_path to ..."). Such an
   error now stops the model with its message alone; every other exception keeps its
   traceback, which is what a bug report needs.
2. A warehouse DuckDB has invalidated after a fatal error (a full disk: "Could not write
   file ... No space left on device"). Every later statement of the build, the on-run-end
   hooks included, fails the same way, and dbt ended in two stack traces of its connection
   code. It now ends in one message: what happened, that the build published nothing, and
   what to do.

dbt-duckdb has no hook for either, so the plugin wraps two classmethods of its
``Environment``: ``run_python_job`` (where it runs Python models, in process) and
``initialize_cursor`` (where each statement's cursor is made). Each wrapper is installed
once per process, and only if dbt-duckdb still has the method it wraps (else nothing
changes). Listed under ``plugins`` of the DuckDB target in profiles.yml.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin
from dbt_common.exceptions import DbtRuntimeError

from leadscore.errors import UserFacingError

#: DuckDB's words for a database it will not use again in this process.
INVALIDATED = "database has been invalidated"


def plain_error(error: DbtRuntimeError) -> DbtRuntimeError | None:
    """The error to raise instead of dbt-duckdb's ``error`` for a Python model, or None to
    keep it. dbt-duckdb raises its error inside ``except Exception``, so the model's own
    exception is ``error.__context__``."""
    cause = error.__context__
    if isinstance(cause, UserFacingError):
        return DbtRuntimeError(str(cause))
    return None


def warehouse_invalidated(path: str, error: BaseException) -> str:
    """The message of a build whose warehouse DuckDB refuses after a fatal error."""
    detail = " ".join(str(error).split())
    return (
        f"leadscore: the build stopped: DuckDB hit a fatal error writing the warehouse {path} "
        "and refuses it for the rest of this build, so nothing more ran and nothing was "
        "published (BI and reverse-ETL still read the previous complete build). The file "
        "keeps what was last committed: fix the cause (e.g. free disk space) and build "
        f"again. (DuckDB: {detail})"
    )


def _wrap(name: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> bool:
    """Replace classmethod ``name`` of dbt-duckdb's Environment by ``make(original)``."""
    from dbt.adapters.duckdb.environments import Environment

    current = Environment.__dict__.get(name)
    if not isinstance(current, classmethod):
        return False
    original = current.__func__
    if getattr(original, "_leadscore_wrapper", False):
        return True
    wrapper = make(original)
    wrapper._leadscore_wrapper = True  # type: ignore[attr-defined]
    wrapper.__wrapped__ = original  # type: ignore[attr-defined]
    setattr(Environment, name, classmethod(wrapper))
    return True


def _plain_python_errors(original: Callable[..., Any]) -> Callable[..., Any]:
    def run_python_job(cls: type, *args: Any, **kwargs: Any) -> Any:
        try:
            return original(cls, *args, **kwargs)
        except DbtRuntimeError as error:
            plain = plain_error(error)
            if plain is None:
                raise
            raise plain from None

    return run_python_job


def _invalidated_warehouse(original: Callable[..., Any]) -> Callable[..., Any]:
    def initialize_cursor(cls: type, creds: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return original(cls, creds, *args, **kwargs)
        except duckdb.FatalException as error:
            if INVALIDATED not in str(error):
                raise
            path = str(getattr(creds, "path", "") or "")
            raise DbtRuntimeError(warehouse_invalidated(path, error)) from None

    return initialize_cursor


def install() -> bool:
    """Install both wrappers; True if both are in place (now or before)."""
    python_jobs = _wrap("run_python_job", _plain_python_errors)
    cursors = _wrap("initialize_cursor", _invalidated_warehouse)
    return python_jobs and cursors


class Plugin(BasePlugin):
    """Installs the wrappers when dbt-duckdb loads the plugins of the profile."""

    def initialize(self, plugin_config: dict[str, Any]) -> None:
        install()
