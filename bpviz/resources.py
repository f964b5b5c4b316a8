"""Where the shipped data and assets live, in a checkout or in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resources_dir() -> Path:
    """The folder holding ``mnist/``, ``examples/`` and ``icons/``.

    An installed wheel carries it as ``bpviz/_resources`` (see pyproject.toml);
    an editable install or a plain checkout has it beside the package.
    """
    for candidate in (_PACKAGE_DIR / "_resources", _PACKAGE_DIR.parent / "resources"):
        if (candidate / "mnist").is_dir():
            return candidate
    raise FileNotFoundError(
        f"bpviz resources not found: expected a 'mnist' folder in "
        f"{_PACKAGE_DIR / '_resources'} or {_PACKAGE_DIR.parent / 'resources'}"
    )


def resource_path(*parts: str) -> Path:
    """A path inside the resources folder, e.g. ``resource_path("mnist")``."""
    return resources_dir().joinpath(*parts)
