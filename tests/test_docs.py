"""The docs stay true: every command has help text and a README entry; the README's commands are the CI's."""

from __future__ import annotations

from click.testing import CliRunner

from huitan.cli import main

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_has_help_and_readme_entry():
    runner = CliRunner()
    assert main.commands
    for name, cmd in main.commands.items():
        assert cmd.help and len(cmd.help) > 20, name
        r = runner.invoke(main, [name, "--help"])
        assert r.exit_code == 0, name
        assert f"`huitan {name}" in README, f"README does not list `huitan {name}`"


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "./scripts/test" in README
    assert "exec ./scripts/test" in ci


def test_readme_main_command_uses_examples_in_repository():
    assert "huitan ingest examples/pages" in README
    assert any((ROOT / "examples" / "pages").iterdir())
