"""The model against a plain logistic regression on rolling test windows, not one.

The Olist end-to-end test compares the model with a plain scikit-learn baseline on one held-out
week (about 80 converted rows), where a few rows decide the verdict. This bench stands at
several earlier score dates T (``--back`` days before the build's), trains as the build does
(its own time split of the outcomes known at T, no refit), and compares the model's test-window
ROC and PR AUC with the plain baseline (``tests/python/plain_baseline.py``) fitted on the same
training dates and scored on the same test rows. ``--variants`` trains once per setting of
:class:`leadscore.ml.config.ModelParams` (``""`` = the defaults) to compare them window by
window.

    python bench/rolling_baseline.py --warehouse olist.duckdb --olist    # 8 weeks back
    python bench/rolling_baseline.py --warehouse build.duckdb --back 0 35 70 105 \\
        --variants "" "class_weight='balanced'"

The warehouse is any build's (``ml.ml_training_panel`` and ``intermediate.int_score_date``).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
from pathlib import Path

import duckdb
from leadscore.ml.errors import MLInputError
from leadscore.ml.train import train_model

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "tests" / "python"))
sys.path.insert(0, str(PROJECT / "bench"))

from bench_refit import known_at  # noqa: E402
from leadscore.settings import lifecycle_settings  # noqa: E402
from plain_baseline import fit_plain_baseline  # noqa: E402
from project_settings import project_vars  # noqa: E402

OLIST = (["lead_source", "custom_landing_page_id"], ["days_since_created"], 30)
DEMO = (
    ["lead_source", "industry", "seniority", "company_size_band"],
    ["days_since_created", "n_page_view_30d", "n_email_click_30d"],
    90,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--olist", action="store_true", help="the Olist mapping (horizon 30)")
    parser.add_argument(
        "--back",
        type=int,
        nargs="+",
        default=[7, 14, 21, 28, 35, 42, 49, 56],
        help="days before the build's score date to stand at",
    )
    parser.add_argument(
        "--variants",
        nargs="+",
        default=["", "class_weight='balanced'"],
        help='ModelParams overrides, e.g. "max_categories=254"; "" = the defaults',
    )
    args = parser.parse_args()
    categorical, numeric, horizon = OLIST if args.olist else DEMO
    with duckdb.connect(str(args.warehouse), read_only=True) as connection:
        panel = connection.sql("select * from ml.ml_training_panel").pl()
        [(score_date,)] = connection.sql(
            "select score_date from intermediate.int_score_date"
        ).fetchall()
    categorical = [c for c in categorical if c in panel.columns]
    names = [v or "defaults" for v in args.variants]
    print(
        f"{'T':10} {'test window':23} {'rows':>6} {'conv':>5}  "
        + "  ".join(f"{name[:24]:>24}" for name in [*names, "plain logistic"])
    )
    wins = dict.fromkeys(names, 0)
    windows = 0
    for back in args.back:
        at = score_date - dt.timedelta(days=back)
        at_t = known_at(panel, at, horizon)
        cells, split = [], None
        for variant in args.variants:
            config = lifecycle_settings(project_vars(horizon_days=horizon, model_refit=False)).train
            overrides = eval(f"dict({variant})")  # a bench: its own command line
            config = dataclasses.replace(
                config, params=dataclasses.replace(config.params, **overrides)
            )
            try:
                result = train_model(at_t, dt.datetime.combine(at, dt.time(6)), config)
            except MLInputError as error:
                print(f"{at}: cannot train: {error}")
                break
            split = result.split.windows()
            model = result.evaluation.model
            cells.append((model.roc_auc, model.pr_auc))
        else:
            window = tuple(dt.date.fromisoformat(split[k]) for k in ("test_start", "test_end"))
            baseline = fit_plain_baseline(
                at_t,
                categorical=categorical,
                numeric=numeric,
                train=(
                    dt.date.fromisoformat(split["train_start"]),
                    dt.date.fromisoformat(split["train_end"]),
                ),
                test=window,
            )
            windows += 1
            for name, (roc, _) in zip(names, cells, strict=True):
                wins[name] += roc > baseline.roc_auc
            cells.append((baseline.roc_auc, baseline.pr_auc))
            print(
                f"{at!s:10} {window[0]!s} to {window[1]!s} {baseline.test_rows:6,}"
                f" {baseline.test_positive:5,}  "
                + "  ".join(f"{f'{roc:.4f} / {pr:.4f}':>24}" for roc, pr in cells)
            )
    print("(ROC AUC / PR AUC on each test window)")
    for name in names:
        print(f"{name}: ROC AUC above the plain logistic on {wins[name]} of {windows} windows")


if __name__ == "__main__":
    main()
