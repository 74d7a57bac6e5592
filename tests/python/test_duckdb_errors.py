"""The profile's plugin leadscore.duckdb_errors: a Python model stopped by one of our clear
errors says only why, any other error keeps dbt-duckdb's traceback; a warehouse DuckDB
invalidated ends the build in one message. The build-level checks are test_publish's
unwritable report path and test_faults' full disk."""

from __future__ import annotations

from types import SimpleNamespace

import duckdb
import pytest
from dbt.adapters.duckdb.environments import Environment
from dbt_common.exceptions import DbtRuntimeError
from leadscore.duckdb_errors import install, plain_error, warehouse_invalidated
from leadscore.exports import ExportError
from leadscore.ml.errors import MLInputError
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


def test_the_wrappers_are_installed_once() -> None:
    assert install() and install()
    for name in ("run_python_job", "initialize_cursor"):
        wrapped = Environment.__dict__[name].__func__
        assert wrapped._leadscore_wrapper
        assert not getattr(wrapped.__wrapped__, "_leadscore_wrapper", False)


def test_an_invalidated_warehouse_ends_in_one_message_naming_the_file_and_the_cause() -> None:
    install()
    connection = duckdb.connect(":memory:")
    creds = SimpleNamespace(path="/data/warehouse.duckdb", settings={"threads": "1"}, retries=None)
    fatal = duckdb.FatalException(
        "FATAL Error: Failed: database has been invalidated because of a previous fatal error."
        ' Original error: "Could not write file "/data/warehouse.duckdb": File too large"'
    )
    failing = SimpleNamespace(execute=lambda sql: (_ for _ in ()).throw(fatal))
    with pytest.raises(DbtRuntimeError) as stopped:
        Environment.initialize_cursor(creds, failing)
    assert stopped.value.msg == warehouse_invalidated("/data/warehouse.duckdb", fatal)
    assert "nothing was published" in stopped.value.msg and "File too large" in stopped.value.msg
    assert stopped.value.__suppress_context__  # no chained traceback
    # a working cursor is untouched
    assert Environment.initialize_cursor(creds, connection.cursor()) is not None
