"""What `pip install .` installs: every subpackage, and only under the one name `sufficiency`."""

from __future__ import annotations

import tomllib

from .conftest import ROOT


def listed_packages() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(config["tool"]["setuptools"]["packages"])


def test_every_subpackage_is_installed():
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "sufficiency").rglob("__init__.py")
    }
    assert found <= listed_packages()


def test_everything_installed_lives_under_sufficiency():
    assert all(name.split(".")[0] == "sufficiency" for name in listed_packages())
