"""A plain scikit-learn baseline on the same time split as the project's model.

What an analyst would write in an afternoon: one-hot categoricals and a few numerics into a
LogisticRegression, fitted on the training as-of dates of the registry's run and measured on
its test as-of dates. The project's model must do at least as well on the same rows, or the
machinery is not worth it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


@dataclass(frozen=True)
class BaselineResult:
    roc_auc: float
    pr_auc: float
    train_rows: int
    test_rows: int
    test_positive: int


def fit_plain_baseline(
    panel: pl.DataFrame,
    categorical: list[str],
    numeric: list[str],
    train: tuple[dt.date, dt.date],
    test: tuple[dt.date, dt.date],
) -> BaselineResult:
    """Fit on panel rows with as_of_date in ``train``, score rows in ``test`` (both inclusive)."""
    date = pl.col("as_of_date")
    rows_train = panel.filter(date.is_between(*train)).sort("lead_id", "as_of_date")
    rows_test = panel.filter(date.is_between(*test)).sort("lead_id", "as_of_date")

    def frame(rows: pl.DataFrame) -> pl.DataFrame:
        return rows.select(
            *[pl.col(c).cast(pl.String).fill_null("missing") for c in categorical],
            *[pl.col(c).cast(pl.Float64) for c in numeric],
        )

    pipeline = Pipeline(
        [
            (
                "prepare",
                ColumnTransformer(
                    [
                        ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical),
                        (
                            "numeric",
                            make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
                            numeric,
                        ),
                    ]
                ),
            ),
            ("model", LogisticRegression(max_iter=1000)),
        ]
    )
    y_train = rows_train.get_column("label").to_numpy()
    y_test = rows_test.get_column("label").to_numpy()
    pipeline.fit(frame(rows_train), y_train)
    p = pipeline.predict_proba(frame(rows_test))[:, 1]
    return BaselineResult(
        roc_auc=float(roc_auc_score(y_test, p)),
        pr_auc=float(average_precision_score(y_test, p)),
        train_rows=rows_train.height,
        test_rows=rows_test.height,
        test_positive=int(np.sum(y_test)),
    )
