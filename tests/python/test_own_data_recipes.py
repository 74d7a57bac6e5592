"""The README's "Your own data" recipes, end to end on exports the project did not make.

A flat leads export (one file, the CRM's own column names, a Converted flag, custom
properties, no activities at all) scores every open lead with configuration only; a custom
column may carry a name the project derives itself; custom-property mistakes stop the build
with a message that names the property and the fix.
"""

from __future__ import annotations

import datetime as dt
import socket
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from dbt_helpers import query, run_dbt

SCORE_DATE = dt.date(2026, 6, 30)

#: The export's own column names -> the contract's (var column_map).
COLUMN_MAP = {
    "leads": {
        "Lead ID": "lead_id",
        "Created Date": "created_at",
        "Last Modified Date": "updated_at",
        "Converted": "is_converted",
        "Lead Source": "lead_source",
        "Title": "job_title",
    }
}

CUSTOM_PROPERTIES = [
    {"name": "Annual Budget (k$)", "type": "numeric"},
    # named like the seniority the project derives from the title
    {"name": "Seniority", "type": "categorical"},
]


def flat_leads_export(folder: Path, n: int = 2400, seed: int = 7) -> pl.DataFrame:
    """A Salesforce-style 'Leads.csv': no activities, a Converted flag, custom columns.

    Conversion depends on the budget and the source, so there is something to learn; the
    conversion time is in 'Last Modified Date' (the flag-only export's stand-in).
    """
    rng = np.random.default_rng(seed)
    start = dt.datetime(2024, 7, 1)
    created = [start + dt.timedelta(minutes=int(m)) for m in rng.integers(0, 720 * 24 * 60, n)]
    budget = rng.lognormal(3.5, 1.0, n).round(1)
    source = rng.choice(["Referral", "Webinar", "Paid Search", "Cold List"], n)
    source_lift = {"Referral": 1.2, "Webinar": 0.5, "Paid Search": 0.0, "Cold List": -1.0}
    logit = -3.0 + 0.9 * (np.log(budget) - 3.5) + np.array([source_lift[s] for s in source])
    converts = rng.random(n) < 1 / (1 + np.exp(-logit))
    lag_days = rng.exponential(20, n)
    converted_at = [c + dt.timedelta(days=float(d)) for c, d in zip(created, lag_days, strict=True)]
    cutoff = dt.datetime.combine(SCORE_DATE, dt.time()) + dt.timedelta(days=1)
    is_converted = converts & np.array([t < cutoff for t in converted_at])
    touched = [
        t if conv else c + dt.timedelta(days=1)
        for t, c, conv in zip(converted_at, created, is_converted, strict=True)
    ]
    frame = pl.DataFrame(
        {
            "Lead ID": [f"00Q{i:06d}" for i in range(n)],
            "Created Date": [c.strftime("%Y-%m-%d %H:%M:%S") for c in created],
            "Last Modified Date": [t.strftime("%Y-%m-%d %H:%M:%S") for t in touched],
            "Converted": ["true" if c else "false" for c in is_converted],
            "Lead Source": source,
            "Title": rng.choice(["VP Sales", "Marketing Manager", "Engineer", "CEO"], n),
            "Annual Budget (k$)": budget,
            "Seniority": rng.choice(["junior", "senior"], n),
        }
    )
    folder.mkdir(parents=True, exist_ok=True)
    frame.write_csv(folder / "Leads.csv")
    return frame


def recipe_vars(folder: Path) -> dict:
    return {
        "raw_data_path": str(folder),
        "raw_tables": {"leads": "Leads"},
        "column_map": COLUMN_MAP,
        "custom_properties": CUSTOM_PROPERTIES,
        "score_date": SCORE_DATE.isoformat(),
        "horizon_days": 30,
    }


@pytest.fixture(scope="module")
def flat_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pl.DataFrame]:
    root = tmp_path_factory.mktemp("flat")
    export = flat_leads_export(root / "export")
    database = root / "flat.duckdb"
    result = run_dbt(["build"], database, recipe_vars(root / "export"))
    assert result.returncode == 0, result.stdout[-4000:]
    return database, export


def test_a_flat_leads_export_scores_every_open_lead(flat_build: tuple[Path, pl.DataFrame]) -> None:
    database, export = flat_build
    open_leads = export.filter(
        (pl.col("Converted") == "false")
        & (pl.col("Created Date").str.to_datetime() < dt.datetime(2026, 7, 1))
    ).height
    rows = query(
        database,
        "select count(*), count(score), count(distinct score), count(scoring_method_reason),"
        " count(reason_1) from marts.lead_scores",
    )
    assert rows == [(open_leads, open_leads, rows[0][2], open_leads, open_leads)]
    assert rows[0][2] > 10, "scores must tell the leads apart"


def test_the_model_learns_from_the_flat_export_and_beats_the_rules(
    flat_build: tuple[Path, pl.DataFrame],
) -> None:
    database, _ = flat_build
    methods = query(database, "select distinct scoring_method from marts.lead_scores")
    run = query(
        database,
        "select action, is_promoted, roc_auc, points_roc_auc from ml.ml_training_runs",
    )
    assert methods == [("model",)], run
    action, promoted, roc_auc, points_roc_auc = run[0]
    assert (action, promoted) == ("trained", True)
    # the budget and the source carry the signal; the points rules see neither
    assert roc_auc > points_roc_auc + 0.05


def test_a_custom_column_named_like_a_derived_one_keeps_both(
    flat_build: tuple[Path, pl.DataFrame],
) -> None:
    database, export = flat_build
    rows = query(
        database,
        "select lead_id, seniority, custom_seniority, custom_annual_budget_k"
        " from features.lead_features where is_score_date order by lead_id limit 50",
    )
    given = {
        row["Lead ID"]: row
        for row in export.select("Lead ID", "Title", "Seniority", "Annual Budget (k$)").to_dicts()
    }
    derived = {"VP Sales": "vp", "CEO": "c_level"}
    for lead_id, seniority, custom_seniority, budget in rows:
        # the project's seniority comes from the title, the export's own is kept beside it
        assert custom_seniority == given[lead_id]["Seniority"]
        assert budget == pytest.approx(given[lead_id]["Annual Budget (k$)"])
        if given[lead_id]["Title"] in derived:
            assert seniority == derived[given[lead_id]["Title"]]


def test_leads_only_export_has_no_behaviour_rows_but_creation_rows(
    flat_build: tuple[Path, pl.DataFrame],
) -> None:
    database, _ = flat_build
    # every lead that converted within days of creation still teaches the model
    [(creation_positives, weekly_rows)] = query(
        database,
        "select count(*) filter (where is_at_creation and label = 1),"
        " count(*) filter (where not is_at_creation) from ml.ml_training_panel",
    )
    assert creation_positives > 50
    assert weekly_rows > 0


def _staging_only(tmp_path: Path, variables: dict) -> str:
    result = run_dbt(["run", "--select", "base_crm__leads"], tmp_path / "db.duckdb", variables)
    assert result.returncode != 0
    return result.stdout


def test_an_unknown_custom_property_names_it_and_the_columns_found(tmp_path: Path) -> None:
    flat_leads_export(tmp_path / "export", n=50)
    variables = recipe_vars(tmp_path / "export")
    variables["custom_properties"] = [{"name": "Budget", "type": "numeric"}]
    out = _staging_only(tmp_path, variables)
    assert "property 'Budget' is not a custom column of table 'leads'" in out
    assert "Annual Budget (k$)" in out  # what the export has


def test_a_custom_property_name_shaped_like_sql_is_only_a_name(tmp_path: Path) -> None:
    """var custom_properties names go through the same check as any name: one crafted to close
    the identifier and select a file is refused as an unknown column, and nothing runs it."""
    flat_leads_export(tmp_path / "export", n=50)
    variables = recipe_vars(tmp_path / "export")
    crafted = "x\" , (select content from read_text('/etc/hostname')) as \"leak"
    variables["custom_properties"] = [{"name": crafted, "type": "categorical"}]
    out = _staging_only(tmp_path, variables)
    assert "is not a custom column of table 'leads'" in out
    assert "Traceback" not in out
    host = socket.gethostname()
    if len(host) >= 8:  # too short a name could appear in the log by chance
        assert host not in out.replace(str(tmp_path), "")


def test_an_unknown_custom_property_type_is_an_error(tmp_path: Path) -> None:
    flat_leads_export(tmp_path / "export", n=50)
    variables = recipe_vars(tmp_path / "export")
    variables["custom_properties"] = [{"name": "Seniority", "type": "categorial"}]
    out = _staging_only(tmp_path, variables)
    assert "property 'Seniority' has type 'categorial'; use numeric or categorical" in out


def test_a_column_map_naming_a_missing_column_is_an_error(tmp_path: Path) -> None:
    flat_leads_export(tmp_path / "export", n=50)
    variables = recipe_vars(tmp_path / "export")
    variables["column_map"] = {"leads": {**COLUMN_MAP["leads"], "Lead Owner": "owner_id"}}
    out = _staging_only(tmp_path, variables)
    assert "maps 'lead owner' to 'owner_id'" in out
    assert "has no column 'lead owner'" in out


def test_a_column_map_to_a_name_outside_the_contract_is_an_error(tmp_path: Path) -> None:
    flat_leads_export(tmp_path / "export", n=50)
    variables = recipe_vars(tmp_path / "export")
    variables["column_map"] = {"leads": {**COLUMN_MAP["leads"], "Seniority": "seniority"}}
    out = _staging_only(tmp_path, variables)
    assert "'seniority', which is not a column of the contract's leads table" in out


def test_too_little_data_scores_by_rules_and_says_why_in_the_log(tmp_path: Path) -> None:
    flat_leads_export(tmp_path / "export", n=80)
    result = run_dbt(
        ["build"],
        tmp_path / "db.duckdb",
        recipe_vars(tmp_path / "export"),
    )
    assert result.returncode == 0, result.stdout[-4000:]
    # the build succeeds, and its log says why no model scores and what to change
    assert "leadscore (training): No model yet: only" in result.stdout
    assert "cold_start_min_conversions" in result.stdout
    [(method, reason, no_reason, scores)] = query(
        tmp_path / "db.duckdb",
        "select any_value(scoring_method), any_value(scoring_method_reason),"
        " count(*) filter (where reason_1 is null), count(distinct score)"
        " from marts.lead_scores",
    )
    assert method == "rules" and "No model yet" in reason and no_reason == 0
    # an export without activities says nothing about inactivity: no lead is marked down
    # for it, so the rules rank these leads by their titles instead of scoring them all 0
    [(inactive,)] = query(
        tmp_path / "db.duckdb",
        "select count(*) from marts.lead_scores where 'No activity for 90 days' in"
        " (substr(reason_1, 3), substr(reason_2, 3), substr(reason_3, 3))",
    )
    assert inactive == 0
    assert scores > 1
    assert "leadscore (constant_scores):" not in result.stdout


def test_rules_that_see_nothing_in_the_export_say_so_loudly(tmp_path: Path) -> None:
    """Without titles, activities or rules on the export's fields, every lead gets the same
    points score: the build's log says so, and what to do about it."""
    flat_leads_export(tmp_path / "export", n=80).drop("Title").write_csv(
        tmp_path / "export" / "Leads.csv"
    )
    variables = recipe_vars(tmp_path / "export")
    variables["column_map"] = {
        "leads": {k: v for k, v in COLUMN_MAP["leads"].items() if k != "Title"}
    }
    result = run_dbt(
        ["build", "--select", "+scoring_warnings", "--indirect-selection", "cautious"],
        tmp_path / "db.duckdb",
        variables,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert "leadscore (constant_scores): 100% of the" in result.stdout
    assert "add activities, or rules on the fields your export has" in result.stdout


def test_an_all_null_parquet_column_is_read_whatever_its_contract_type(tmp_path: Path) -> None:
    # polars and pandas write a column with no values as Parquet type NULL ("Converted At"
    # with nobody converted yet); it holds no value any contract type could not hold
    frame = flat_leads_export(tmp_path / "export", n=50)
    (tmp_path / "export" / "Leads.csv").unlink()
    frame.with_columns(pl.lit(None).alias("Converted At")).write_parquet(
        tmp_path / "export" / "Leads.parquet"
    )
    variables = recipe_vars(tmp_path / "export")
    variables["column_map"] = {"leads": {**COLUMN_MAP["leads"], "Converted At": "converted_at"}}
    result = run_dbt(["run", "--select", "base_crm__leads"], tmp_path / "db.duckdb", variables)
    assert result.returncode == 0, result.stdout[-3000:]
    [(rows, converted_at)] = query(
        tmp_path / "db.duckdb",
        "select count(*), count(converted_at) from staging.base_crm__leads",
    )
    assert (rows, converted_at) == (50, 0)
