"""Run one dbt command with a manifest parsed once and kept in a file, for the tests.

    python dbt_cached.py MANIFEST_FILE PARSE_ARGS_JSON -- DBT_ARGS...

dbt parses the whole project on every command (~8 s here, half of it the YAML of the data
tests), and partial parsing never applies to the tests: each passes its own ``--vars`` and
database file. The tests' builds differ mostly in vars that only run time reads
(``dbt_helpers.RUNTIME_VARS``), so one parse can serve many builds. dbt supports this in
process (``dbtRunner(manifest=...)``, what the contract fuzzer does); this script carries the
parsed manifest between processes as a pickle, so the tests keep running dbt as a separate
process, as a user does, with the same output and exit codes as the ``dbt`` command.

On a first use of MANIFEST_FILE it parses with PARSE_ARGS (the same project, profile, target
and vars as the command) and keeps the manifest. A parse that fails is not kept: the command
then runs as the plain ``dbt`` command would, so its error reads the same.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
from pathlib import Path


def _public_fields(manifest) -> dict:
    """The manifest's own fields, without its locks and lookups (dbt builds those lazily).

    Not ``pickle.dumps(manifest)``: Manifest.__reduce_ex__ in dbt-core 1.11 leaves out two
    fields (fixtures, _saved_query_lookup), so the rest load into the wrong places.
    """
    import dataclasses

    return {
        field.name: getattr(manifest, field.name)
        for field in dataclasses.fields(manifest)
        if field.init and not field.name.startswith("_")
    }


def _exit_code(result) -> int:
    """The ``dbt`` command's exit code for a dbtRunner result (dbt.cli.exceptions)."""
    if result.success:
        return 0
    return 2 if result.exception is not None else 1


def main(argv: list[str]) -> int:
    from dbt.cli.main import dbtRunner
    from dbt.contracts.graph.manifest import Manifest

    manifest_file = Path(argv[0])
    parse_args = json.loads(argv[1])
    assert argv[2] == "--", argv
    args = argv[3:]
    manifest = None
    hit = manifest_file.exists()
    if hit:
        with manifest_file.open("rb") as handle:
            manifest = Manifest(**pickle.load(handle))
    else:
        parsed = dbtRunner().invoke(["parse", *parse_args, "--quiet", "--no-write-json"])
        if parsed.success:
            manifest = parsed.result
            partial = manifest_file.with_suffix(f".{os.getpid()}.tmp")
            with partial.open("wb") as handle:
                pickle.dump(_public_fields(manifest), handle, protocol=pickle.HIGHEST_PROTOCOL)
            partial.replace(manifest_file)  # atomic: another worker may write the same key
    with manifest_file.with_name("uses.log").open("a") as log:  # hits and misses, one line each
        test = os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0]
        log.write(f"{'hit' if hit else 'parse'} {manifest_file.stem} {args[0]} {test}\n")
    result = dbtRunner(manifest=manifest).invoke(args)
    return _exit_code(result)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
