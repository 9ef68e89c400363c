"""Where the folders that ship beside the code are: ``widgets/`` and ``static/``.

In a checkout (and an editable install) they stand at the repository's top level; a built
wheel carries them inside the package (``pyproject.toml``, ``force-include``). This module
imports nothing of Flask.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def shipped_folder(name: str, package: Path = PACKAGE) -> Path:
    """The folder ``name`` inside the installed package, else at the checkout's top level."""
    inside = package / name
    if inside.is_dir():
        return inside
    return package.parent.parent / name


WIDGETS = shipped_folder("widgets")
STATIC = shipped_folder("static")
