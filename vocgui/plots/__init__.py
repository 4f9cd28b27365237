"""matplotlib figures (no pyplot global state) shared by the desktop app and the CLI."""
