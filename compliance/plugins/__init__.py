"""Plugin machinery: hook specifications, the manager, and the typed hook facade.

Plugins import the public marker from the package root::

    from compliance import hookimpl
"""

from __future__ import annotations

import pluggy

PROJECT_NAME = "compliance"

#: Marks hook implementations. Public: re-exported as ``compliance.hookimpl``.
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
#: Marks hook specifications. Private to :mod:`compliance.plugins.hookspecs`.
_hookspec = pluggy.HookspecMarker(PROJECT_NAME)
