"""A dbt-duckdb plugin: a build whose warehouse another process holds stops with a clear message.

DuckDB lets one process at a time open a database file for writing. A second ``dbt build`` on
the same file used to end in some 200 lines of dbt's stack trace around DuckDB's "Could not set
lock on file" (raised where dbt-duckdb does not catch it). This plugin opens the file just
before dbt-duckdb does, with the same configuration; when another process holds it, the build
stops there with a message that names the file, the process and what to do, and nothing is
written. Its own connection stays open until dbt-duckdb's is made (DuckDB gives that one the
same database instance), so no other process can take the file between the check and the build.

Listed under ``plugins`` of the DuckDB target in profiles.yml; keep it last there, so that it
opens the file with the configuration the other plugins leave.
"""

from __future__ import annotations

from typing import Any

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin
from dbt_common.exceptions import DbtRuntimeError

#: DuckDB's message when another process holds the database file.
LOCKED = "Could not set lock on file"


def warehouse_in_use(path: str, error: str) -> str:
    """The message of a build that cannot open ``path`` because another process holds it."""
    return (
        f"leadscore: the warehouse {path} is in use by another process, so this build did not "
        "start and wrote nothing. DuckDB lets one process at a time write a database file: "
        "another dbt build, the sync or a notebook has it open. Wait until it ends and build "
        f"again, or point LEADSCORE_DUCKDB_PATH at another file. (DuckDB: {error})"
    )


class Plugin(BasePlugin):
    """Checks that the warehouse file is free before dbt-duckdb connects to it."""

    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self._holding: duckdb.DuckDBPyConnection | None = None

    def update_connection_config(self, creds: Any, config: dict[str, Any]) -> None:
        path = str(creds.path)
        if path in ("", ":memory:") or path.startswith(("md:", "motherduck:")):
            return
        try:
            self._holding = duckdb.connect(path, read_only=False, config=dict(config))
        except duckdb.IOException as error:
            if LOCKED not in str(error):
                raise
            raise DbtRuntimeError(warehouse_in_use(path, str(error))) from None

    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        # dbt-duckdb's connection is open: it holds the file now
        if self._holding is not None:
            self._holding.close()
            self._holding = None
