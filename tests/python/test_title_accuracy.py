"""Accuracy of the job-title rules against titles labelled by hand.

The titles in fixtures/labelled_job_titles.csv were labelled by a person,
independently of the rules. The test classifies them with the project's own
dbt macros (normalize_job_title, classify_job_title) and the rules seed
exactly as int_job_titles_normalized does: dbt loads seeds/job_title_rules.csv
into a temporary DuckDB file and compiles the macros with `dbt show --inline`,
so the rules and the normalisation have one source of truth.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from dbt.cli.main import dbtRunner

PROJECT_DIR = Path(__file__).resolve().parents[2]
LABELLED_TITLES = Path(__file__).parent / "fixtures" / "labelled_job_titles.csv"
MIN_ACCURACY = 0.95

SENIORITIES = {
    "c_level",
    "vp",
    "director",
    "manager",
    "individual_contributor",
    "student",
    "other",
}
JOB_FUNCTIONS = {
    "engineering",
    "it",
    "data",
    "sales",
    "marketing",
    "finance",
    "operations",
    "hr",
    "executive",
    "other",
}

# The same two steps as models/intermediate/int_job_titles_normalized.sql.
CLASSIFY_SQL = """
with

labelled as (

    select title
    from read_csv('{path}', header = true, all_varchar = true)

),

normalized as (

    select
        title,
        {{{{ normalize_job_title('title') }}}} as job_title_normalized
    from labelled

)

select
    title,
    job_title_normalized,
    {{{{ classify_job_title('job_title_normalized', 'seniority') }}}}
        as seniority,
    {{{{ classify_job_title('job_title_normalized', 'function') }}}}
        as job_function
from normalized
"""


def read_labels(path: Path) -> list[dict[str, str]]:
    """Read the hand-labelled titles: one dict per row (title, seniority, job_function)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def dbt_args(command: list[str], work_dir: Path) -> list[str]:
    """A dbt command line for this project that writes only under work_dir."""
    return [
        *command,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
        "--quiet",
    ]


def accuracy(
    labels: list[dict[str, str]], predicted: dict[str, dict[str, str]], field: str
) -> tuple[float, list[str]]:
    """Share of titles whose predicted `field` equals the label, and the misses."""
    misses = [
        f"{row['title']!r}: labelled {row[field]}, got {predicted[row['title']][field]}"
        f" (normalised {predicted[row['title']]['job_title_normalized']!r})"
        for row in labels
        if predicted[row["title"]][field] != row[field]
    ]
    return 1 - len(misses) / len(labels), misses


@pytest.fixture(scope="module")
def classified(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, str]]]:
    """Every labelled title classified by dbt: title -> {normalised, seniority, function}."""
    work_dir = tmp_path_factory.mktemp("title_accuracy")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("LEADSCORE_DUCKDB_PATH", str(work_dir / "titles.duckdb"))
        env.setenv("LEADSCORE_TARGET", "dev")
        runner = dbtRunner()
        seeded = runner.invoke(dbt_args(["seed", "--select", "job_title_rules"], work_dir))
        assert seeded.success, f"dbt seed failed: {seeded.exception}"
        sql = CLASSIFY_SQL.format(path=LABELLED_TITLES.as_posix())
        shown = runner.invoke(dbt_args(["show", "--inline", sql, "--limit", "-1"], work_dir))
        assert shown.success, f"dbt show failed: {shown.exception}"
    table = shown.result.results[0].agate_table
    yield {
        row["title"]: {
            "job_title_normalized": row["job_title_normalized"],
            "seniority": row["seniority"],
            "job_function": row["job_function"],
        }
        for row in table.rows
    }


def test_labels_are_valid() -> None:
    labels = read_labels(LABELLED_TITLES)
    assert len(labels) >= 200
    assert len({row["title"] for row in labels}) == len(labels), "duplicate titles"
    assert {row["seniority"] for row in labels} <= SENIORITIES
    assert {row["job_function"] for row in labels} <= JOB_FUNCTIONS


def test_every_labelled_title_is_classified(classified: dict[str, dict[str, str]]) -> None:
    labels = read_labels(LABELLED_TITLES)
    assert {row["title"] for row in labels} == set(classified)
    assert all(result["seniority"] in SENIORITIES for result in classified.values())
    assert all(result["job_function"] in JOB_FUNCTIONS for result in classified.values())


@pytest.mark.parametrize("field", ["seniority", "job_function"])
def test_title_accuracy(classified: dict[str, dict[str, str]], field: str) -> None:
    labels = read_labels(LABELLED_TITLES)
    share, misses = accuracy(labels, classified, field)
    print(f"\n{field} accuracy: {share:.1%} ({len(labels) - len(misses)}/{len(labels)})")
    print("\n".join(misses))
    assert share >= MIN_ACCURACY, f"{field} accuracy {share:.1%} < {MIN_ACCURACY:.0%}"
