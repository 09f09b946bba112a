"""Built-in plugins.  Each is an ordinary plugin registered through the ``compliance``
entry-point group, exactly as a third-party plugin would be; the core never imports them."""
