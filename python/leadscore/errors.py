"""The base of errors whose message is the whole story for the person running the build."""

from __future__ import annotations


class UserFacingError(Exception):
    """An error whose message says what went wrong and how to fix it, naming the file, var
    or table concerned. A dbt Python model that raises one stops with that message alone,
    without a Python traceback (:mod:`leadscore.duckdb_errors`); any other exception
    keeps its traceback, which is what a bug report needs."""
