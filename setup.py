"""Build: the per-document stages compiled to C with mypyc when this machine can, pure Python otherwise.

Everything else about the package is in pyproject.toml. The compiled modules behave as their sources
(the same analyses, byte for byte); they run the extraction about a fifth faster. Set ``HUITAN_PURE=1``
to build without them. A machine without a C compiler, or a failed compile, gets the pure-Python
package and a warning: compiling is never what stops an install.
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

# the stages that run on every document and page (corpus-level and I/O modules stay Python)
COMPILED = ["actors", "lexicon", "coref", "events", "dates", "timeexpr", "textutil", "page", "dedup",
            "statements", "mechanisms", "datekb"]


def _warn(why: object) -> None:
    print(f"huitan: building pure Python, not compiled ({why})", file=sys.stderr)


def ext_modules() -> list:
    if os.environ.get("HUITAN_PURE") or platform.python_implementation() != "CPython":
        return []
    try:
        from mypyc.build import mypycify

        return mypycify([f"src/huitan/{m}.py" for m in COMPILED], opt_level="3", group_name="huitan")
    except (Exception, SystemExit) as e:  # mypyc missing, or its type check failed
        _warn(e)
        return []


class OptionalBuildExt(build_ext):
    """build_ext that falls back to the pure-Python package when compiling fails (all modules or none:
    mypyc's modules share one library)."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as e:  # no compiler, a compile or link error
            _warn(e)
            for ext in self.extensions:  # remove what was built, so that no module is half there
                for path in (self.get_ext_fullpath(ext.name), Path("src", self.get_ext_filename(ext.name))):
                    Path(path).unlink(missing_ok=True)
            self.extensions = []


setup(ext_modules=ext_modules(), cmdclass={"build_ext": OptionalBuildExt})
