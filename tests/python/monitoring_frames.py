"""The monitoring marts the model report reads, built for tests by the project's own SQL.

The report charts the rows ``models/monitoring/model_evaluation_rows.sql`` chooses and the
calibration deciles ``models/monitoring/model_calibration_bands.sql`` cuts from them. Tests
get them the same way (as ``champion_frames`` does for ``ml_champion``): the model's SQL,
rendered with each ``ref`` pointing at a frame of the test and ``var`` at the test's value,
run in an in-memory DuckDB, so no test re-implements the window choice or the binning.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import jinja2
import polars as pl

MONITORING = Path(__file__).resolve().parents[2] / "models" / "monitoring"


def run_model(name: str, refs: dict[str, pl.DataFrame], variables: dict[str, Any]) -> pl.DataFrame:
    """The rows of ``models/monitoring/<name>.sql`` over ``refs`` (ref name -> frame)."""
    sql = jinja2.Template((MONITORING / f"{name}.sql").read_text()).render(
        ref=lambda ref: ref, var=lambda var: variables[var]
    )
    with duckdb.connect() as con:
        for ref, frame in refs.items():
            con.register(ref, frame)
        return con.sql(sql).pl()


def model_backtest(rows: pl.DataFrame) -> pl.DataFrame:
    """Backtest rows (lead_id, as_of_date, label, model_probability, model_score,
    points_score) with the columns of ``model_backtest`` the marts read."""
    return rows.with_columns(
        is_labelled=pl.col("label").is_not_null(),
        model_version=pl.lit(None, dtype=pl.Utf8),
        model_probability=pl.col("model_probability").cast(pl.Float64),
        model_score=pl.col("model_score").cast(pl.Int32),
    )


def evaluation_rows(
    champions: pl.DataFrame | None, backtest: pl.DataFrame, recent_weeks: int
) -> pl.DataFrame:
    """``model_evaluation_rows`` of the champions (``ml_champion`` rows) and the backtest."""
    champions = (
        champions
        if champions is not None
        else pl.DataFrame(
            schema={
                "champion_rank": pl.Int64,
                "version_id": pl.Utf8,
                "test_start": pl.Date,
                "test_end": pl.Date,
                "test_predictions": pl.Utf8,
            }
        )
    )
    return run_model(
        "model_evaluation_rows",
        {"ml_champion": champions, "model_backtest": model_backtest(backtest)},
        {"health_recent_weeks": recent_weeks},
    )


def calibration_bands(
    backtest: pl.DataFrame, evaluation: pl.DataFrame, recent_weeks: int
) -> pl.DataFrame:
    """``model_calibration_bands`` of the backtest and the evaluation rows."""
    return run_model(
        "model_calibration_bands",
        {"model_backtest": model_backtest(backtest), "model_evaluation_rows": evaluation},
        {"health_recent_weeks": recent_weeks},
    )
