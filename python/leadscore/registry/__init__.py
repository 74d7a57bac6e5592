"""The model registry (``ml.ml_training_runs``) from outside a build: list the models and
promote an earlier one by hand (a rollback). See ``python -m leadscore.registry --help``."""
