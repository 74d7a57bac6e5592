"""Entry point for `python -m leadscore.registry`."""

from leadscore.registry.cli import main

raise SystemExit(main())
