"""A dbt-duckdb plugin: a Python model stopped by a :class:`UserFacingError` says only why.

dbt-duckdb reports any exception of a Python model as "Python model failed:" and the whole
traceback, some 20 lines of dbt-duckdb's and our frames around the one line that matters,
e.g. "cannot write the model report to ... Set dbt var report_path to ...". This plugin
wraps dbt-duckdb's ``Environment.run_python_job`` (the one place it runs Python models, in
process) so that a :class:`leadscore.errors.UserFacingError` stops the model with its
message alone. Every other exception passes through unchanged, traceback and all.

Listed under ``plugins`` of the DuckDB target in profiles.yml. dbt-duckdb offers no hook for
a model's error, hence the wrapper; it is installed once per process, and only if
dbt-duckdb's ``Environment`` still has the method it wraps (else nothing changes).
"""

from __future__ import annotations

from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin
from dbt_common.exceptions import DbtRuntimeError

from leadscore.errors import UserFacingError


def plain_error(error: DbtRuntimeError) -> DbtRuntimeError | None:
    """The error to raise instead of dbt-duckdb's ``error``, or None to keep it.

    dbt-duckdb raises its error inside ``except Exception``, so the model's own exception is
    ``error.__context__``.
    """
    cause = error.__context__
    if isinstance(cause, UserFacingError):
        return DbtRuntimeError(str(cause))
    return None


def install() -> bool:
    """Wrap ``Environment.run_python_job``; True if it is wrapped (now or before)."""
    from dbt.adapters.duckdb.environments import Environment

    current = Environment.__dict__.get("run_python_job")
    if not isinstance(current, classmethod):
        return False
    original = current.__func__
    if getattr(original, "_leadscore_plain_errors", False):
        return True

    def run_python_job(cls: type, *args: Any, **kwargs: Any) -> Any:
        try:
            return original(cls, *args, **kwargs)
        except DbtRuntimeError as error:
            plain = plain_error(error)
            if plain is None:
                raise
            raise plain from None

    run_python_job._leadscore_plain_errors = True  # type: ignore[attr-defined]
    run_python_job.__wrapped__ = original  # type: ignore[attr-defined]
    Environment.run_python_job = classmethod(run_python_job)  # type: ignore[method-assign]
    return True


class Plugin(BasePlugin):
    """Installs the wrapper when dbt-duckdb loads the plugins of the profile."""

    def initialize(self, plugin_config: dict[str, Any]) -> None:
        install()
