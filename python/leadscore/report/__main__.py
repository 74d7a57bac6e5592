"""Preview the report: ``python -m leadscore.report [--empty] [OUT.html]``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from leadscore.report.data import ReportData
from leadscore.report.demo import demo_report_data
from leadscore.report.render import write_report


def main(argv: Sequence[str] | None = None) -> int:
    """Write the demo report (or the empty cold-start report) and print its path."""
    parser = argparse.ArgumentParser(
        prog="python -m leadscore.report",
        description="Write a preview of the model report built from simulated demo data.",
    )
    parser.add_argument("out", nargs="?", default="reports/model_report_demo.html")
    parser.add_argument("--empty", action="store_true", help="render the cold-start report")
    parser.add_argument("--seed", type=int, default=7, help="seed of the demo data")
    args = parser.parse_args(argv)
    data = ReportData() if args.empty else demo_report_data(seed=args.seed)
    print(write_report(data, args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
