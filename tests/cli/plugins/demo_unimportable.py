"""A test plugin that fails at import time."""

raise ImportError("missing dependency 'nonexistent_lib'")
