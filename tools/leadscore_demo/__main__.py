"""`python -m leadscore_demo`: see leadscore_demo.cli."""

from leadscore_demo.cli import main

raise SystemExit(main())
