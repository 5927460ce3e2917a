"""`python -m desktop.cli`: the same as krukhor-cli."""

from desktop.cli import main

raise SystemExit(main())
