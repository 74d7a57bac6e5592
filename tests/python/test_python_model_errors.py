"""A Python model stopped by one of our clear errors says only why (the profile's plugin
leadscore.python_model_errors); any other error keeps dbt-duckdb's traceback. The build-level
check is test_publish's unwritable report path."""

from __future__ import annotations

import pytest
from dbt.adapters.duckdb.environments import Environment
from dbt_common.exceptions import DbtRuntimeError
from leadscore.exports import ExportError
from leadscore.ml.errors import MLInputError
from leadscore.python_model_errors import install, plain_error
from leadscore.report.render import ReportWriteError


def _as_dbt_duckdb_raises(error: Exception) -> DbtRuntimeError:
    """The error dbt-duckdb raises for a Python model that raised ``error``."""
    try:
        try:
            raise error
        except Exception as caught:
            raise DbtRuntimeError(f"Python model failed:\nTraceback ...{caught}") from None
    except DbtRuntimeError as wrapped:
        return wrapped


@pytest.mark.parametrize(
    "error",
    [
        ReportWriteError("cannot write the model report to /x/r.html: Not a directory."),
        ExportError("cannot write the exports to /x: Not a directory."),
        MLInputError("var score_scale must be one of ...; got 'z'."),
    ],
)
def test_our_clear_errors_stop_the_model_with_their_message_alone(error: Exception) -> None:
    plain = plain_error(_as_dbt_duckdb_raises(error))
    assert plain is not None and plain.msg == str(error)


@pytest.mark.parametrize("error", [ValueError("a bug"), KeyError("column"), OSError(28, "full")])
def test_any_other_error_keeps_its_traceback(error: Exception) -> None:
    assert plain_error(_as_dbt_duckdb_raises(error)) is None


def test_the_wrapper_is_installed_once() -> None:
    assert install() and install()
    wrapped = Environment.__dict__["run_python_job"].__func__
    assert wrapped._leadscore_plain_errors
    assert not getattr(wrapped.__wrapped__, "_leadscore_plain_errors", False)
