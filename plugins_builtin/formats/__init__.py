"""Loaders for published formats: PDF, Word (.docx), Excel (.xlsx) and HTML.

Each ``*_loader`` module is a plugin of its own (declared as an entry point)
that imports its third-party library only when a file of its kind is loaded.
The extraction layer of every format produces the same neutral pieces
(:mod:`plugins_builtin.formats.pieces`): text lines and table grids with
their spans, pages and boxes.  :mod:`plugins_builtin.formats.assemble` turns
those pieces into the document model through the same section and caption
rules as the text loader, so rules never care where a document came from.
"""
