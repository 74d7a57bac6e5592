"""Real data the team did not generate: the Olist marketing funnel (shared/datasets), mapped
to the input contract by configuration alone, builds end to end, scores every open lead, and
its model beats both the points rules and a plain scikit-learn baseline on the same held-out
leads."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from dbt_helpers import PROJECT_DIR, query, run_dbt
from plain_baseline import fit_plain_baseline

OLIST = PROJECT_DIR.parent / "shared" / "datasets" / "olist_marketing_funnel"

#: The whole mapping (README, "Your own data": won deals in a separate file).
OLIST_VARS = {
    "raw_data_path": str(OLIST),
    "raw_tables": {
        "leads": "olist_marketing_qualified_leads_dataset",
        "opportunities": "olist_closed_deals_dataset",
    },
    "column_map": {
        "leads": {"mql_id": "lead_id", "first_contact_date": "created_at", "origin": "lead_source"},
        "opportunities": {
            "seller_id": "opportunity_id",
            "mql_id": "lead_id",
            "won_date": "closed_at",
        },
    },
    "column_defaults": {"opportunities": {"is_won": True}},
    "conversion_definition": "opportunity_won",
    # most Olist leads that sign close within weeks (median 14 days)
    "horizon_days": 30,
    "custom_properties": [{"name": "landing_page_id", "type": "categorical"}],
}


@pytest.fixture(scope="module")
def olist_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert (OLIST / "olist_marketing_qualified_leads_dataset.csv").exists(), (
        f"the Olist dataset is missing at {OLIST} (shared/datasets/olist_marketing_funnel)"
    )
    database = tmp_path_factory.mktemp("olist") / "olist.duckdb"
    result = run_dbt(["build"], database, OLIST_VARS)
    assert result.returncode == 0, result.stdout[-4000:]
    return database


def test_every_open_olist_lead_is_scored_by_the_model(olist_build: Path) -> None:
    [(open_leads,)] = query(olist_build, "select count(*) from ml.ml_scoring_rows")
    rows = query(
        olist_build,
        "select scoring_method, count(*), count(score), count(reason_1)"
        " from marts.lead_scores group by 1",
    )
    assert rows == [("model", open_leads, open_leads, open_leads)]
    assert open_leads > 5000


def test_the_model_beats_the_rules_and_a_plain_baseline_on_the_same_rows(
    olist_build: Path,
) -> None:
    [run] = query(
        olist_build,
        "select train_start, train_end, test_start, test_end, roc_auc, pr_auc,"
        " points_roc_auc, points_pr_auc, test_rows, is_promoted from ml.ml_training_runs",
    )
    train_start, train_end, test_start, test_end, roc, pr, points_roc, points_pr, n, live = run
    with duckdb.connect(str(olist_build), read_only=True) as connection:
        panel = connection.sql("select * from ml.ml_training_panel").pl()
    baseline = fit_plain_baseline(
        panel,
        categorical=["lead_source", "custom_landing_page_id"],
        numeric=["days_since_created"],
        train=(train_start, train_end),
        test=(test_start, test_end),
    )
    figures = {
        "model": (roc, pr),
        "rules": (points_roc, points_pr),
        "plain baseline": (baseline.roc_auc, baseline.pr_auc),
        "test rows": (n, baseline.test_rows),
    }
    print("\nOlist, same held-out rows (ROC AUC, PR AUC):", json.dumps(figures, default=str))
    assert baseline.test_rows == n
    assert live
    assert roc > points_roc and pr > points_pr
    assert roc >= baseline.roc_auc and pr >= baseline.pr_auc, figures


def test_the_preflight_counts_what_the_training_run_learned_from(olist_build: Path) -> None:
    """ml_training_preflight restates the panel's rules per lead: for the configured horizon
    it must count exactly the labelled and converted leads the run saw, and a shorter horizon
    labels more leads (their horizon is over sooner)."""
    [(labelled, converted)] = query(
        olist_build, "select labelled_leads, converted_leads from ml.ml_training_runs"
    )
    candidates = query(
        olist_build,
        "select horizon_days, labelled_leads, converted_leads, is_configured"
        " from ml.ml_training_preflight where lookback_days = 365 order by 1",
    )
    configured = [(n, c) for _, n, c, is_configured in candidates if is_configured]
    assert configured == [(labelled, converted)]
    labelled_by_horizon = [n for _, n, _, _ in candidates]
    assert labelled_by_horizon == sorted(labelled_by_horizon, reverse=True)
    assert labelled_by_horizon[0] > labelled_by_horizon[-1]
