"""Legal and trust pages: who runs the service (Impressum), privacy, accessibility, Leichte Sprache.

Everything a data-protection officer asks for is configuration (``WIDGETS_OPERATOR_*`` or
``instance/config.py``), read once into an :class:`~.operator.Operator`.
"""
