"""Run one dbt command with a manifest parsed once and kept in a file, for the tests.

    python dbt_cached.py MANIFEST_FILE PARSE_ARGS_JSON -- DBT_ARGS...

dbt parses the whole project on every command (~8 s here, half of it the YAML of the data
tests), and partial parsing never applies to the tests: each passes its own ``--vars`` and
database file. The tests' builds differ mostly in vars that only run time reads
(``dbt_helpers.RUNTIME_VARS``), so one parse can serve many builds. dbt supports this in
process (``dbtRunner(manifest=...)``, what the contract fuzzer and dbt_inprocess.py do); this
script carries the parsed manifest between processes as a pickle, for the commands a test runs
as a separate process, with the same output and exit codes as the ``dbt`` command.

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


def load_or_parse(manifest_file: Path, parse_args: list[str]):
    """The manifest kept in ``manifest_file``; on a first use, parse and keep it there.

    Returns ``(manifest, hit)``; the manifest is None when the parse failed (nothing is kept,
    and the command then parses itself, so its error reads as the plain command's).
    """
    from dbt.cli.main import dbtRunner
    from dbt.contracts.graph.manifest import Manifest

    if manifest_file.exists():
        with manifest_file.open("rb") as handle:
            return Manifest(**pickle.load(handle)), True
    parsed = dbtRunner().invoke(["parse", *parse_args, "--quiet", "--no-write-json"])
    if not parsed.success:
        return None, False
    partial = manifest_file.with_suffix(f".{os.getpid()}.tmp")
    with partial.open("wb") as handle:
        pickle.dump(_public_fields(parsed.result), handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(manifest_file)  # atomic: another worker may write the same key
    return parsed.result, False


def log_use(manifest_file: Path, how: str, args: list[str], seconds: float) -> None:
    """One line per command in ``uses.log`` beside the manifests: hit or parse, and how long."""
    with manifest_file.with_name("uses.log").open("a") as log:
        test = os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0]
        log.write(f"{how} {manifest_file.stem} {args[0]} {seconds:.1f}s {test}\n")


def main(argv: list[str]) -> int:
    import time

    from dbt.cli.main import dbtRunner

    started = time.perf_counter()
    manifest_file = Path(argv[0])
    parse_args = json.loads(argv[1])
    assert argv[2] == "--", argv
    args = argv[3:]
    manifest, hit = load_or_parse(manifest_file, parse_args)
    result = dbtRunner(manifest=manifest).invoke(args)
    log_use(manifest_file, "hit" if hit else "parse", args, time.perf_counter() - started)
    return _exit_code(result)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
