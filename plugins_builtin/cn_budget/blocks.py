"""The assembler's input: a document as a sequence of layout blocks.

Every loader (text now; PDF, Word and HTML later) turns its format into these
blocks, one per source line or table row, and hands them to
:func:`plugins_builtin.cn_budget.assemble.assemble`.
"""

from __future__ import annotations

from typing import NamedTuple

#: Block kinds.
PROSE = "prose"
ROW = "row"
BLANK = "blank"


class Block(NamedTuple):
    """One line of layout: a prose line, a table row (cells) or a blank line.

    ``line`` and ``column`` are 1-based positions of the block's first
    character; each cell is ``(text, column)`` with its own 1-based start
    column.  Paged formats set ``page``.  Text is as printed, stripped.

    ``heading`` is a layout hint from formats that know type sizes (PDF): the
    line is set notably larger than the body text and short, so it heads a
    chapter even without numbering (the Shanghai layout's chapter titles).
    """

    kind: str
    line: int
    column: int
    text: str
    cells: tuple[tuple[str, int], ...] = ()
    page: int | None = None
    heading: bool = False

    @property
    def end_column(self) -> int:
        """The column of the block's last printed character (inclusive; trailing blank cells do not count)."""
        for text, column in reversed(self.cells):
            if text:
                return column + len(text) - 1
        return self.column + max(len(self.text), 1) - 1
