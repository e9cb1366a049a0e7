"""`python -m app` is the same as the `scalpdesk` console script."""

from app.cli import main

raise SystemExit(main())
