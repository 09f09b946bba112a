"""Where the rule language keeps its on-disk caches, and whether that place can be trusted.

The reference parser's grammar analysis is cached by Lark as a pickle, and
loading a pickle runs whatever code it names (our parse table and parsed ASTs
are JSON, but a folder is trusted or not as a whole).  So a cache folder is used only when nobody else could have
put a file in it: it is created private (0o700),
and it must be owned by the current user and not writable by group or others.
Where the platform has no user ids, only the default per-user folder is used.
An untrusted folder costs a re-parse, never a wrong answer; the reason is
logged at debug level.
"""

from __future__ import annotations

import logging
import os
import stat
import tempfile
from pathlib import Path

_LOG = logging.getLogger(__name__)


def cache_dir() -> Path:
    """``COMPLIANCE_CACHE_DIR``, else ``compliance`` under the user's cache folder."""
    configured = os.environ.get("COMPLIANCE_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "compliance"


def _default_dir() -> Path:
    return Path.home() / ".cache" / "compliance"


def private_cache_dir(*parts: str) -> Path | None:
    """The cache folder (or ``parts`` under it), created private, or None when it cannot be trusted."""
    root = cache_dir()
    folders = [root]
    for part in parts:
        folders.append(folders[-1] / part)
    try:
        for folder in folders:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        _LOG.debug("rule cache disabled: cannot create %s: %s", folders[-1], exc)
        return None
    for folder in folders:
        reason = _distrust(folder, root)
        if reason:
            _LOG.debug("rule cache disabled: %s %s", folder, reason)
            return None
    return folders[-1]


def _distrust(folder: Path, root: Path) -> str | None:
    """Why ``folder`` could hold a file planted by someone else, or None when it is private."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        # No owner to compare with: trust only the per-user default location.
        return None if root.resolve() == _default_dir().resolve() else "is not the per-user default folder"
    try:
        info = os.stat(folder)
    except OSError as exc:
        return f"cannot be examined: {exc}"
    if info.st_uid != getuid():
        return "is owned by another user"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "is writable by group or others"
    return None


def owned_by_me(handle_fileno: int) -> bool:
    """Whether the open file belongs to the current user (always true without user ids)."""
    getuid = getattr(os, "getuid", None)
    return getuid is None or os.fstat(handle_fileno).st_uid == getuid()


def write_atomically(target: Path, text: str) -> None:
    """Replace ``target`` with ``text`` all at once, so a reader never sees half a file.

    An unwritable cache costs a rebuild next time, nothing more: errors are ignored.
    """
    try:
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, delete=False) as handle:
            handle.write(text)
        os.replace(handle.name, target)
    except OSError:
        pass


__all__ = ["cache_dir", "owned_by_me", "private_cache_dir", "write_atomically"]
