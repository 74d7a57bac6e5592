"""`python -m leadscore.demo`: see leadscore.demo.cli."""

from leadscore.demo.cli import main

raise SystemExit(main())
