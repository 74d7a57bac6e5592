"""The champion's scores on the backtest rows (replayed unless the score history has them).

Thin: reads the backtest rows and the training runs, calls
leadscore.health.replay_backtest, returns its table.
"""

from leadscore.health import replay_backtest


def model(dbt, session):
    rows = dbt.ref("ml_backtest_rows").order("as_of_date, lead_id").pl()
    runs = dbt.ref("ml_training_runs").pl()
    return replay_backtest(rows, runs)
