"""The bundle's entry point: the same `main` as the `scalpdesk` console script.

PyInstaller needs a script, not an entry-point name; keeping it this thin means the bundle and
`pip install` run exactly the same command line (app/cli.py).
"""

from app.cli import main

raise SystemExit(main())
