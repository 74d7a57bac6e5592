"""Feature inference and input validation: the right columns, clear errors for bad input."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from leadscore.ml import (
    FeatureConfig,
    MLInputError,
    infer_feature_spec,
    labelled_rows,
    prepare_features,
)

D = dt.date(2025, 3, 3)


def panel() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "lead_id": ["a", "b", "c"],
            "as_of_date": [D, D, D],
            "label": pl.Series([1, 0, None], dtype=pl.Int8),
            "points_score": [70, 20, 45],
            "fit_points": [30, 10, 20],
            "engagement_points": [40, 10, 25],
            "email": ["x@a.com", "y@b.com", "z@c.com"],
            "_loaded_at": [D, D, D],
            "seniority": ["VP", None, "Manager"],
            "industry": pl.Series(["Software", "Retail", "Software"], dtype=pl.Categorical),
            "is_free_email": [False, True, None],
            "n_pricing_view_7d": [4, 0, 1],
            "engagement_decayed": [3.5, 0.0, None],
        }
    )


def test_inferred_features_exclude_keys_label_points_email_and_underscore_columns() -> None:
    spec = infer_feature_spec(panel(), FeatureConfig())
    assert spec.categorical == ("seniority", "industry")
    assert spec.numeric == ("is_free_email", "n_pricing_view_7d", "engagement_decayed")
    assert spec.dtypes["is_free_email"] == "Boolean"


def test_explicit_feature_list_is_used_as_given() -> None:
    spec = infer_feature_spec(panel(), FeatureConfig(features=("n_pricing_view_7d", "seniority")))
    assert spec.names == ("seniority", "n_pricing_view_7d")


def test_explicit_feature_list_naming_the_rules_score_is_rejected() -> None:
    with pytest.raises(MLInputError, match="points_score"):
        infer_feature_spec(panel(), FeatureConfig(features=("points_score", "seniority")))


def test_explicit_feature_missing_from_panel_is_named() -> None:
    with pytest.raises(MLInputError, match="n_demo_request_7d"):
        infer_feature_spec(panel(), FeatureConfig(features=("n_demo_request_7d",)))


def test_prepare_coerces_types_and_ignores_extra_columns() -> None:
    spec = infer_feature_spec(panel(), FeatureConfig())
    rows = panel().with_columns(
        pl.col("n_pricing_view_7d").cast(pl.String),  # numbers sent as text
        pl.col("seniority").cast(pl.Categorical),
        pl.lit("extra").alias("unused_column"),
    )
    X = prepare_features(rows, spec)
    assert X.columns == list(spec.names)
    assert X.get_column("n_pricing_view_7d").to_list() == [4.0, 0.0, 1.0]
    assert X.get_column("is_free_email").to_list() == [0.0, 1.0, None]
    assert X.schema["seniority"] == pl.String


def test_missing_feature_columns_are_all_listed() -> None:
    spec = infer_feature_spec(panel(), FeatureConfig())
    with pytest.raises(MLInputError, match=r"2 feature column\(s\).*'seniority', 'industry'"):
        prepare_features(panel().drop("seniority", "industry"), spec)


def test_non_numeric_text_in_a_numeric_feature_is_a_clear_error() -> None:
    spec = infer_feature_spec(panel(), FeatureConfig())
    rows = panel().with_columns(pl.Series("n_pricing_view_7d", ["4", "many", None]))
    with pytest.raises(MLInputError, match=r"n_pricing_view_7d .*\['many'\]"):
        prepare_features(rows, spec)


def test_labelled_rows_drop_open_horizon_rows() -> None:
    out = labelled_rows(panel(), FeatureConfig())
    assert out.get_column("lead_id").to_list() == ["a", "b"]


def test_all_null_label_is_a_clear_error() -> None:
    rows = panel().with_columns(pl.lit(None, dtype=pl.Int8).alias("label"))
    with pytest.raises(MLInputError, match="no labelled rows"):
        labelled_rows(rows, FeatureConfig())


def test_label_other_than_zero_or_one_is_rejected() -> None:
    rows = panel().with_columns(pl.Series("label", [1, 2, 0], dtype=pl.Int8))
    with pytest.raises(MLInputError, match=r"must be 0, 1 or null; found \[2\]"):
        labelled_rows(rows, FeatureConfig())


def test_missing_label_column_is_named() -> None:
    with pytest.raises(MLInputError, match=r"\['label'\]"):
        labelled_rows(panel().drop("label"), FeatureConfig())
