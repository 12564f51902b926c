"""Which modules run compiled (mypyc, see setup.py), and a warning when a compiled module is older than
its source in a source tree (an edit that the compiled module, imported first, would hide)."""

from __future__ import annotations

import importlib.machinery
import warnings
from pathlib import Path

PACKAGE = Path(__file__).parent


def compiled_modules(package: Path = PACKAGE) -> dict[str, Path]:
    """Module name → its compiled file, for the package's modules that have one beside their source."""
    out = {}
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        for lib in package.glob(f"*{suffix}"):
            name = lib.name[: -len(suffix)]
            if (package / f"{name}.py").exists():
                out[name] = lib
    return out


def stale_modules(package: Path = PACKAGE) -> list[str]:
    """The compiled modules whose source was changed after they were built."""
    return sorted(name for name, lib in compiled_modules(package).items()
                  if (package / f"{name}.py").stat().st_mtime > lib.stat().st_mtime)


def warn_if_stale(package: Path = PACKAGE) -> None:
    """Warn when this is a source tree (an editable install) whose compiled modules are older than their
    sources: Python imports the compiled module, so the edit would not run until the package is built again."""
    if not (package.parent.parent / "pyproject.toml").exists():
        return  # an installed package: its files are as the wheel made them
    stale = stale_modules(package)
    if stale:
        warnings.warn(f"huitan: compiled modules older than their sources ({', '.join(stale)}): run "
                      "`pip install -e .` again to rebuild them, or build with HUITAN_PURE=1",
                      RuntimeWarning, stacklevel=2)
