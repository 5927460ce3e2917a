"""Entry script of the bundled GUI executable (krukhor)."""

from desktop.app import main

raise SystemExit(main())
