"""Classification code lists as data: code → standard name, per scheme, jurisdiction and year.

The lists ship as CSV files (``code,name``) beside this module:
``codes/<scheme>.csv`` is the national list (政府收支分类科目 for ``function``,
部门预算支出经济分类科目 for ``economic``); ``codes/<jurisdiction>/<scheme>.csv``
and ``codes/<jurisdiction>/<year>/<scheme>.csv`` add or replace entries for one
jurisdiction, or one jurisdiction's year (a code renamed in a later edition
of the classification).  The most specific file wins code by code.  The lists
hold at least every code the bundled samples print; a code missing from them
is reported as unknown, so extending a list is the fix for a new document.
"""

from __future__ import annotations

import csv
import functools
import io
from importlib.resources import files
from types import MappingProxyType
from typing import Mapping

#: The schemes a list exists for, and how many digits each level of their codes has (类/款/项).
WIDTHS: Mapping[str, tuple[int, ...]] = MappingProxyType({"function": (3, 2, 2), "economic": (3, 2)})

def _read(parts: tuple[str, ...]) -> dict[str, str]:
    resource = files(__package__).joinpath("codes", *parts)
    if not resource.is_file():
        return {}
    reader = csv.DictReader(io.StringIO(resource.read_text(encoding="utf-8")))
    return {row["code"].strip(): row["name"].strip() for row in reader if row.get("code")}


@functools.lru_cache(maxsize=None)
def code_list(scheme: str, jurisdiction: str | None = None, year: str | None = None) -> Mapping[str, str]:
    """The code → name list of ``scheme`` as it applies to a jurisdiction and year."""
    if scheme not in WIDTHS:
        raise ValueError(f"unknown classification scheme {scheme!r}; known: {', '.join(WIDTHS)}")
    merged = _read((f"{scheme}.csv",))
    if jurisdiction:
        merged.update(_read((jurisdiction, f"{scheme}.csv")))
        if year:
            merged.update(_read((jurisdiction, year, f"{scheme}.csv")))
    return MappingProxyType(merged)
