"""Model health end to end, on a generated demo CRM whose activity feed breaks.

The shift: after D1 the CRM's activity feed stops syncing (no activity is recorded after D1:
page views, emails, demo requests, ...), a classic pipeline failure. Leads keep arriving and
converting, but every behaviour feature of the leads scored at D2 looks cold.

One CRM, three builds on one warehouse:

1. at D1 (retrain_policy auto): the first champion is trained; the leads scored at D1 look like
   the ones it learned from (the outage has not happened yet), so no drift alert; the build
   writes the report with its charts.
2. at D2, five weeks later, monitoring only (retrain_policy never): the drift alerts fire for
   the champion (a third of its features moved, among them its most important one, the
   engagement score) and land in the alert history.
3. at D2 again with retrain_policy auto: the champion is young and few new outcomes arrived
   (retrain_max_age_days and retrain_min_new_conversions are set out of reach), so only the
   previous build's alert can make it retrain, and the registry says so.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from dbt_helpers import PROJECT_DIR, query, run_dbt

# Large enough that the first model beats the points rules on its test window (on 1,500 or
# 3,000 demo leads the rules still win, and rightly keep scoring: no champion to monitor).
N_LEADS = 6000
SEED = 11
END_DATE = "2026-10-31"
D1 = dt.date(2026, 9, 12)
D2 = D1 + dt.timedelta(weeks=5)

CHARTS = {
    "calibration",
    "gains",
    "tier_conversion",
    "feature_importance",
    "score_distribution",
    "health_auc",
    "health_calibration",
}


def generate_crm(out: Path) -> None:
    """`python -m leadscore_demo` (tools/) into ``out``."""
    env = dict(os.environ, PYTHONPATH=str(PROJECT_DIR / "tools"))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "leadscore_demo",
            "--out",
            str(out),
            "--leads",
            str(N_LEADS),
            "--seed",
            str(SEED),
            "--end-date",
            END_DATE,
            "--no-truth",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def stop_activity_feed(activities_csv: Path, after: dt.date) -> int:
    """Drop every activity recorded after ``after`` (the feed broke); returns how many."""
    with activities_csv.open(newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    at = header.index("occurred_at")
    kept = [row for row in body if row[at][:10] <= after.isoformat()]
    with activities_csv.open("w", newline="") as handle:
        csv.writer(handle).writerows([header, *kept])
    return len(body) - len(kept)


class Warehouse:
    """One DuckDB file and its folders, built with dbt on the shifted CRM."""

    def __init__(self, root: Path, crm: Path) -> None:
        self.database = root / "health.duckdb"
        self.report = root / "reports" / "model_report.html"
        self.variables = {
            "raw_data_path": str(crm),
            "export_path": str(root / "exports"),
            "report_path": str(self.report),
            # age and new outcomes never trigger a retrain here: only alerts can
            "retrain_max_age_days": 3650,
            "retrain_min_new_conversions": 1_000_000,
            # a test window of more than one week, so the report's weekly health chart has
            # two out-of-sample weeks to draw (the split caps it at a fifth of the converters)
            "min_test_converted_leads": 150,
        }

    def build(self, score_date: dt.date, **variables: object) -> None:
        result = run_dbt(
            # the demo's data tests run in the quickstart build; these builds are about
            # the health marts, so they leave them out (a third of a build's time)
            ["build", "--exclude", "resource_type:test"],
            self.database,
            self.variables | {"score_date": score_date.isoformat()} | variables,
        )
        assert result.returncode == 0, result.stdout[-8000:]

    def rows(self, sql: str) -> list[tuple]:
        return query(self.database, sql)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    root = tmp_path_factory.mktemp("health_e2e")
    crm = root / "crm"
    generate_crm(crm)
    assert stop_activity_feed(crm / "activities.csv", D1) > 1000
    return Warehouse(root, crm)


@pytest.fixture(scope="module")
def first_build(warehouse: Warehouse) -> Warehouse:
    warehouse.build(D1)
    return warehouse


@pytest.fixture(scope="module")
def shifted_build(first_build: Warehouse) -> Warehouse:
    first_build.build(D2, retrain_policy="never")
    return first_build


@pytest.fixture(scope="module")
def retrain_build(shifted_build: Warehouse) -> Warehouse:
    shifted_build.build(D2, retrain_policy="auto")
    return shifted_build


def test_first_build_trains_a_champion_and_sees_no_drift(first_build: Warehouse) -> None:
    runs = first_build.rows("select action, is_promoted from ml.ml_training_runs")
    assert runs == [("trained", True)]
    drift = first_build.rows(
        "select count(*), count(*) filter (where status = 'drift' and feature_kind = 'score') "
        "from marts.model_drift"
    )
    assert drift[0][0] > 50 and drift[0][1] == 0  # every feature measured, score stable
    assert first_build.rows("select kind from marts.model_health_alerts where kind = 'drift'") == []


def test_backtest_replays_the_champion_and_scores_the_points_side_by_side(
    first_build: Warehouse,
) -> None:
    weeks = first_build.rows(
        "select scorer, count(*), count(roc_auc), min(score_source), max(score_source) "
        "from marts.model_health_weekly group by 1 order by 1"
    )
    # 26 labelled weeks, 12 whose 90-day horizon is still open, and D1 itself; both scorers
    assert [(scorer, total) for scorer, total, *_ in weeks] == [("model", 39), ("points", 39)]
    assert [labelled for _, _, labelled, *_ in weeks] == [26, 26]
    assert weeks[1][3:] == ("rules", "rules")
    # the champion was refitted on every labelled week: those weeks are in-sample ('refit'),
    # only the weeks whose outcomes are still open come after it
    windows = first_build.rows(
        """
        select champion_window, count(*), count(roc_auc)
        from marts.model_health_weekly where scorer = 'model' group by 1 order by 1
        """
    )
    assert windows == [("after", 13, 0), ("refit", 26, 26)]
    bands = first_build.rows(
        "select scorer, count(*) from marts.model_calibration_bands "
        "where is_latest_period group by 1 order by 1"
    )
    assert bands == [("model", 10), ("points", 10)]


def test_the_build_writes_the_report_with_its_charts(first_build: Warehouse) -> None:
    html = first_build.report.read_text(encoding="utf-8")
    # the refitted champion learned from every week with known outcomes: no weekly ROC AUC
    # out of sample yet, and the report says why instead of replaying in-sample weeks
    assert set(re.findall(r'data-chart="([^"]*)"', html)) == CHARTS - {"health_auc"}
    assert "weekly ROC AUC needs at least two weeks with known outcomes that the model" in html
    ((path, sections),) = first_build.rows("select report_path, sections from marts.model_report")
    assert Path(path) == first_build.report
    assert {"calibration", "drift", "card"} <= set(sections.split(","))
    assert "health" not in sections.split(",")  # no out-of-sample week has outcomes yet


def test_the_refitted_champion_is_judged_on_its_held_out_predictions(
    first_build: Warehouse,
) -> None:
    # the replay of its test window is in sample (refit): the marts the report charts hold
    # the held-out test predictions of the registry, and their deciles
    ((window, rows, test_rows),) = first_build.rows(
        """
        select any_value(evaluation_window), count(*), any_value(runs.test_rows)
        from marts.model_evaluation_rows
        cross join (select test_rows from ml.ml_champion where champion_rank = 1) as runs
        """
    )
    assert window == "held_out_test" and rows == min(test_rows, 20_000)
    deciles = first_build.rows(
        "select scorer, count(*), sum(leads) from marts.model_calibration_bands "
        "where rows_from = 'evaluation' group by 1 order by 1"
    )
    assert deciles == [("model", 10, rows), ("points", 10, rows)]


def test_the_broken_activity_feed_raises_drift_alerts(shifted_build: Warehouse) -> None:
    runs = shifted_build.rows("select action from ml.ml_training_runs order by ran_at")
    assert runs == [("trained",), ("kept_champion",)]
    ((drifting, features),) = shifted_build.rows(
        "select count(*) filter (where status = 'drift'), count(*) from marts.model_drift "
        "where feature_kind != 'score'"
    )
    assert drifting > 0.2 * features  # every recency, count and engagement feature moved
    alerts = shifted_build.rows(
        f"select subject, reason from marts.model_health_alert_history "
        f"where score_date = '{D2}' and kind = 'drift' order by subject"
    )
    reasons = dict(alerts)
    assert "features" in reasons, alerts
    assert f"{drifting} of {features} features drift (PSI above 0.25)" in reasons["features"]
    # the champion's most important feature measures engagement, which went quiet
    assert "engagement_decayed" in reasons


def test_the_next_auto_build_retrains_because_of_the_alert(retrain_build: Warehouse) -> None:
    runs = retrain_build.rows(
        "select action, action_reason, is_promoted from ml.ml_training_runs order by ran_at"
    )
    assert [action for action, _, _ in runs] == ["trained", "kept_champion", "trained"]
    reason = runs[-1][1]
    assert reason.startswith(f"retrained on a monitoring alert from the build of {D2}")
    assert "drift: " in reason and "PSI" in reason
    html = retrain_build.report.read_text(encoding="utf-8")
    assert "retrained on a monitoring alert" in html  # the new champion's event in the alerts
