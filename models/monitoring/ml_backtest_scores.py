"""The champion's scores on the backtest rows (replayed unless the score history has them).

Thin: reads the backtest rows without their features, the champions (ml_champion, in rank
order) and this model's previous table (its replays: the same model on the same features is
not scored again), calls leadscore.monitoring.backtest.replay_backtest, which reads the
features of only the rows it replays, a batch at a time, returns its table.
"""

import duckdb
import polars as pl
from leadscore.monitoring.backtest import (
    BACKTEST_ROW_COLUMNS,
    EARLIER_REPLAY_COLUMNS,
    replay_backtest,
)
from leadscore.progress import log_to_dbt

ORDER = "as_of_date, lead_id"
BATCH_ROWS = 100_000  # rows replayed at a time: what Python holds of the features


def earlier_replays(dbt, session):
    """The previous build's replays (polars), or None before the first build wrote them."""
    try:
        return session.sql(
            f"select {', '.join(EARLIER_REPLAY_COLUMNS)} from {dbt.this}"
            " where score_source = 'replay'"
        ).pl()
    except (duckdb.CatalogException, duckdb.BinderException):  # no table, or an older one
        return None


def model(dbt, session):
    backtest_rows = dbt.ref("ml_backtest_rows")
    rows = backtest_rows.select(", ".join(BACKTEST_ROW_COLUMNS)).order(ORDER).pl()
    champions = dbt.ref("ml_champion").order("champion_rank").pl()
    earlier = earlier_replays(dbt, session)

    def features(keys):  # the whole rows of these keys, in their order, in batches
        wanted = session.from_arrow(keys.to_arrow()).set_alias("wanted")
        whole_rows = (
            backtest_rows.set_alias("backtest_rows")
            .join(
                wanted,
                "backtest_rows.lead_id = wanted.lead_id"
                " and backtest_rows.as_of_date = wanted.as_of_date",
                how="semi",
            )
            .order(ORDER)
        )
        for batch in whole_rows.to_arrow_reader(BATCH_ROWS):
            yield pl.from_arrow(batch)

    with log_to_dbt():  # its progress lines in dbt's console and log
        scores = replay_backtest(rows, champions, earlier, features)
    return scores
