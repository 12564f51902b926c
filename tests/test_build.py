"""The compiled build (setup.py, mypyc): which modules are compiled, stale ones warned about, and the
compiled modules giving the same analyses as their sources."""

from __future__ import annotations

import importlib.machinery
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import huitan
from huitan import build

SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]
PACKAGE = Path(huitan.__file__).parent

# prints one JSON line per document of the pages given: its analysis, as the store keeps it
ANALYSE = """
import sys
import huitan.actors
from huitan.analyse import analyse_documents
from huitan.ingest import InputError, read_inputs
from huitan.kb import KnowledgeBase
from huitan.page import clean_page
from huitan.store import to_json
print(huitan.actors.__file__)
kb = KnowledgeBase()
for raw in read_inputs(sys.argv[1:]):
    if isinstance(raw, InputError):
        continue
    page = clean_page(raw, kb)
    for a in analyse_documents(page.documents, kb):
        print(to_json(a))
"""


def _tree(tmp_path: Path, modules: dict[str, tuple[int, int]]) -> Path:
    """A fake source tree: for each module, a source and a compiled file with the given mtimes."""
    (tmp_path / "pyproject.toml").write_text("")
    pkg = tmp_path / "src" / "pkg"
    pkg.mkdir(parents=True)
    for name, (src_time, lib_time) in modules.items():
        for path, t in ((pkg / f"{name}.py", src_time), (pkg / f"{name}{SUFFIX}", lib_time)):
            path.write_text("")
            os.utime(path, (t, t))
    (pkg / "plain.py").write_text("")
    return pkg


def test_compiled_modules_are_those_with_a_library_beside_their_source(tmp_path: Path) -> None:
    pkg = _tree(tmp_path, {"a": (100, 200), "b": (100, 200)})
    (pkg / f"orphan{SUFFIX}").write_text("")  # no source beside it: not one of the package's modules
    assert set(build.compiled_modules(pkg)) == {"a", "b"}


def test_a_source_changed_after_its_build_is_stale_and_warned_about(tmp_path: Path) -> None:
    pkg = _tree(tmp_path, {"fresh": (100, 200), "edited": (300, 200)})
    assert build.stale_modules(pkg) == ["edited"]
    with pytest.warns(RuntimeWarning, match=r"\(edited\).*pip install -e"):
        build.warn_if_stale(pkg)


def test_no_warning_outside_a_source_tree(tmp_path: Path) -> None:
    pkg = _tree(tmp_path, {"edited": (300, 200)})
    (tmp_path / "pyproject.toml").unlink()  # an installed package: mtimes are the wheel's
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        build.warn_if_stale(pkg)


def test_this_package_is_not_stale() -> None:
    assert build.stale_modules() == []


@pytest.mark.slow
def test_compiled_modules_analyse_as_their_sources(tmp_path: Path, samples_dir: Path) -> None:
    """The samples and examples analysed by the compiled modules and by a copy of the sources alone."""
    if not build.compiled_modules():
        pytest.skip("this build is pure Python (nothing compiled)")
    shutil.copytree(PACKAGE, tmp_path / "huitan", ignore=shutil.ignore_patterns(f"*{SUFFIX}", "__pycache__"))
    pages = [str(samples_dir), str(PACKAGE.parent.parent / "examples" / "pages")]
    (elsewhere := tmp_path / "cwd").mkdir()  # ``python -c`` imports from its working directory first

    def run(path: str) -> str:
        env = dict(os.environ, PYTHONPATH=path)
        out = subprocess.run([sys.executable, "-c", ANALYSE, *pages], env=env, capture_output=True, text=True,
                             check=True, cwd=elsewhere)
        return out.stdout

    (compiled_from, compiled), (source_from, source) = (run(str(PACKAGE.parent)).split("\n", 1),
                                                         run(str(tmp_path)).split("\n", 1))
    assert compiled_from.endswith(SUFFIX) and source_from == str(tmp_path / "huitan" / "actors.py")
    assert compiled.count("\n") > 20
    assert compiled == source
