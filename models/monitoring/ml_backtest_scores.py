"""The champion's scores on the backtest rows (replayed unless the score history has them).

Thin: reads the backtest rows, the champions (ml_champion, in rank order) and this model's
previous table (its replays: the same model on the same features is not scored again), calls
leadscore.monitoring.backtest.replay_backtest, returns its table.
"""

import duckdb
from leadscore.monitoring.backtest import EARLIER_REPLAY_COLUMNS, replay_backtest
from leadscore.progress import log_to_dbt


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
    rows = dbt.ref("ml_backtest_rows").order("as_of_date, lead_id").pl()
    champions = dbt.ref("ml_champion").order("champion_rank").pl()
    earlier = earlier_replays(dbt, session)
    with log_to_dbt():  # its progress lines in dbt's console and log
        scores = replay_backtest(rows, champions, earlier)
    return scores
