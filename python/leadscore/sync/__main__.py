"""Entry point for `python -m leadscore.sync`."""

from leadscore.sync.cli import main

raise SystemExit(main())
