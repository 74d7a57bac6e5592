"""Model monitoring: how the champion does after it went live, and what that feeds back.

One module per concern, behind the thin dbt Python models of ``models/monitoring/`` (and the
registry's writer, ``models/state/ml_training_runs.py``):

- :mod:`leadscore.monitoring.bands`: the PSI bands (vars ``health_psi_watch`` and
  ``health_psi_drift``), the one definition the drift table and the report both read.
- :mod:`leadscore.monitoring.drift`: the population stability index of every model feature
  and of the model's probability, the champion's training window vs the rows scored now
  (``ml_drift``).
- :mod:`leadscore.monitoring.backtest`: the champion's scores on past as-of dates
  (``ml_backtest_scores``).
- :mod:`leadscore.monitoring.alerts`: whether the previous build raised a monitoring alert for
  the model that is still champion, which makes the ``auto`` retraining policy retrain
  (``ml_training_runs``).

Nothing here reads a clock, the environment or files; the callers pass everything in. This
package file imports nothing, so the report can read the bands without loading the models.
"""
