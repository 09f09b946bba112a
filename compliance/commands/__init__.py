"""CLI commands, one module each; see :mod:`compliance.cli`."""
