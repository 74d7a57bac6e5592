"""What constraining the negative signals costs, and the wrong-way symptom it removes (issue 11.3).

Trains each model kind twice on the same feature panel, with var constrain_negative_signals on
and off (everything else the project's defaults, refit off: the held-out test window is what
is compared), and prints for each: ROC AUC and PR AUC on the same held-out test dates, and for
the test rows of leads that bounced (``has_bounced``) the mean predicted probability against
the observed conversion rate and their share in the ``sales_now`` tier against everyone's.

Usage (a panel exported from a build's ``ml.ml_training_panel``)::

    python bench/evaluate_sign_constraints.py panel20k.parquet [panel2k.parquet ...]

e.g. ``duckdb.connect('warehouse/leadscore.duckdb').sql('select * from
ml.ml_training_panel').write_parquet('panel.parquet')``. Figures are printed, nothing asserted.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "tests" / "python"))  # the project's settings, as tests read them

from leadscore.ml import train_model  # noqa: E402
from project_settings import train_config  # noqa: E402


def evaluate(panel: pl.DataFrame, kind: str, on: bool) -> dict[str, object]:
    config = train_config(candidates=(kind,), refit=False, constrain_negative_signals=on)
    t0 = time.perf_counter()
    result = train_model(panel, "2026-12-01", config)
    seconds = time.perf_counter() - t0
    sales_now = dict(config.tiers)["sales_now"]
    rows = result.test_rows.join(
        panel.select("lead_id", "as_of_date", "has_bounced"), on=["lead_id", "as_of_date"]
    )
    bounced = rows.filter(pl.col("has_bounced"))
    signs = result.bundle.metadata["sign_constraints"]
    metrics = result.evaluation.model
    return {
        "kind": kind,
        "constraint": "on" if on else "off",
        "roc_auc": round(metrics.roc_auc, 4),
        "pr_auc": round(metrics.pr_auc, 4),
        "test_rows": rows.height,
        "bounced_rows": bounced.height,
        "bounced_predicted": round(float(bounced.get_column("_probability").mean() or 0), 4),
        "bounced_converted": round(float(bounced.get_column("label").cast(float).mean() or 0), 4),
        "bounced_sales_now": round(float((bounced.get_column("_score") >= sales_now).mean()), 3),
        "all_sales_now": round(float((rows.get_column("_score") >= sales_now).mean()), 3),
        "constrained": len(signs["decreasing"]),
        "left_out": [d["feature"] for d in signs["left_out"]],
        "held_at_zero": [d["feature"] for d in signs.get("held_at_zero", [])],
        "seconds": round(seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("panels", nargs="+", type=Path)
    args = parser.parse_args()
    for path in args.panels:
        panel = pl.read_parquet(path)
        print(
            f"== {path} ({panel.height:,} rows, {panel.get_column('lead_id').n_unique():,} leads)"
        )
        table = [evaluate(panel, kind, on) for kind in ("logistic", "hgb") for on in (False, True)]
        with pl.Config(tbl_rows=-1, tbl_cols=-1, fmt_str_lengths=200, tbl_width_chars=250):
            print(
                pl.DataFrame(
                    [dataclasses.asdict(r) if dataclasses.is_dataclass(r) else r for r in table]
                )
            )


if __name__ == "__main__":
    main()
