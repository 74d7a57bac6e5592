"""Command line: `python -m leadscore_demo` (with tools/ on PYTHONPATH)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from leadscore_demo.generate import DEFAULT_CHUNK, TRUTH_DIR, DemoConfig, generate
from leadscore_demo.writer import FORMATS


def _int(text: str) -> int:
    try:
        return int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-10-31") from None


def build_parser() -> argparse.ArgumentParser:
    d = DemoConfig()
    p = argparse.ArgumentParser(
        prog="python -m leadscore_demo",
        description=(
            "Generate a realistic demo CRM (leads, accounts, activities, opportunities, "
            "sales_reps, lead_feedback) in the shape of the input contract, with known true "
            f"conversion probabilities in <out>/{TRUTH_DIR}/."
        ),
        epilog=(
            "The output folder belongs to the generator: its six table files (in either "
            "format) and _truth/ are replaced on every run."
        ),
    )
    p.add_argument(
        "--out", type=Path, default=d.out_dir, help="output folder (default %(default)s)"
    )
    p.add_argument(
        "--leads", type=_int, default=d.n_leads, help="number of leads (default %(default)s)"
    )
    p.add_argument("--seed", type=_int, default=d.seed, help="random seed (default %(default)s)")
    p.add_argument(
        "--dirt-rate",
        type=_float,
        default=d.dirt_rate,
        help="share of rows with bad data, 0 for none (default %(default)s)",
    )
    p.add_argument(
        "--end-date",
        type=_date,
        default=d.end_date,
        help="last day of data, YYYY-MM-DD (default %(default)s)",
    )
    p.add_argument(
        "--history-days",
        type=_int,
        default=d.history_days,
        help="days of history ending at --end-date, at least 548 (default %(default)s)",
    )
    p.add_argument(
        "--format",
        choices=FORMATS,
        default=d.fmt,
        dest="fmt",
        help="file format (default %(default)s)",
    )
    p.add_argument(
        "--activity-scale",
        type=_float,
        default=d.activity_scale,
        help="multiplies marketing e-mail volume, the bulk of the activity rows "
        "(~60 per lead at 1.0); conversion behaviour is unchanged "
        "(default %(default)s)",
    )
    p.add_argument("--chunk-size", type=_int, default=DEFAULT_CHUNK, help=argparse.SUPPRESS)
    p.add_argument("--no-truth", action="store_true", help=f"skip {TRUTH_DIR}/ (faster)")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    return p


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, generate, print a summary. Exit 0 on success, 2 on bad input."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)  # prints usage and the problem on malformed flags
    except SystemExit as stop:  # --help (0) or a malformed flag (2)
        return int(stop.code or 0)
    cfg = DemoConfig(
        n_leads=args.leads,
        seed=args.seed,
        dirt_rate=args.dirt_rate,
        end_date=args.end_date,
        history_days=args.history_days,
        fmt=args.fmt,
        activity_scale=args.activity_scale,
        out_dir=args.out,
        chunk_size=args.chunk_size,
        write_truth=not args.no_truth,
    )
    problems = cfg.check()
    if problems:
        for msg in problems:
            print(f"leadscore_demo: error: {msg}", file=sys.stderr)
        return 2
    say = (lambda _m: None) if args.quiet else (lambda m: print(m, file=sys.stderr))
    try:
        summary = generate(cfg, progress=say)
    except OSError as exc:
        print(
            f"leadscore_demo: error: cannot write to --out {cfg.out_dir}: "
            f"{exc.strerror or exc}. Choose a folder you can write to.",
            file=sys.stderr,
        )
        return 2
    if not args.quiet:
        print(f"wrote {cfg.n_leads:,} leads into {cfg.out_dir} in {summary.seconds:.1f} s:")
        for name, rows in summary.rows.items():
            size = summary.bytes(name) / 1e6
            print(f"  {summary.paths[name]}: {rows:,} rows, {size:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
