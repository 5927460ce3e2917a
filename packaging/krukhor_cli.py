"""Entry script of the bundled console executable (krukhor-cli)."""

from desktop.cli import main

raise SystemExit(main())
