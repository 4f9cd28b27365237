"""The ``vocgui`` command line: one module per subcommand."""
