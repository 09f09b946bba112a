"""Limits every format loader applies before and while reading a file.

They bound the time and memory one document can take, so that a batch goes
on with the other documents.  Callers pass their own values as keywords (the
configuration will, once it knows these keys); these are the defaults.
"""

from __future__ import annotations

from compliance.errors import LoadError

#: Largest file a loader reads, in bytes.
MAX_BYTES = 50 * 1024 * 1024
#: Most pages a PDF may have.
MAX_PAGES = 300
#: Most rows a spreadsheet sheet may have.
MAX_SHEET_ROWS = 20_000


def check_size(data: bytes, source: str, max_bytes: int = MAX_BYTES) -> None:
    """Refuse a file larger than ``max_bytes`` before parsing it."""
    if len(data) > max_bytes:
        raise LoadError(
            f"file is {len(data):,} bytes, more than the limit of {max_bytes:,} bytes", source=source
        )
