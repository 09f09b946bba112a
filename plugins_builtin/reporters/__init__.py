"""Built-in report formats, one plugin module each (text, json, sarif, junit, markdown).

Each module implements ``compliance_register_formats`` and
``compliance_render_report`` and is declared as its own entry point, exactly as
a third-party reporter would be; :mod:`._shared` holds what several share.
"""
