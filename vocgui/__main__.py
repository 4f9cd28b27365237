"""``python -m vocgui`` is the same as the ``vocgui`` command."""

from vocgui.cli.main import main

raise SystemExit(main())
