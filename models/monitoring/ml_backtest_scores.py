"""The champion's scores on the backtest rows (replayed unless the score history has them).

Thin: reads the backtest rows and the champions (ml_champion, in rank order), calls
leadscore.monitoring.backtest.replay_backtest, returns its table.
"""

from leadscore.monitoring.backtest import replay_backtest
from leadscore.progress import log_to_dbt


def model(dbt, session):
    rows = dbt.ref("ml_backtest_rows").order("as_of_date, lead_id").pl()
    champions = dbt.ref("ml_champion").order("champion_rank").pl()
    with log_to_dbt():  # its progress lines in dbt's console and log
        scores = replay_backtest(rows, champions)
    return scores
