"""The build copies the repository's `themes/*.toml` into the package (`warroom/data/themes/`).

The themes are kept once in git, at the top of the repository; a wheel or a regular install
carries them as package data. An editable install reads them from the source tree instead
(`warroom.ui.themes.theme_dirs`). Everything else is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
THEMES = HERE / "themes"


class BuildPyWithThemes(build_py):
    """build_py, then `themes/*.toml` -> `<build>/warroom/data/themes/`."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # the editable package reads the source tree's themes/ directly
        target = Path(self.build_lib) / "warroom" / "data" / "themes"
        target.mkdir(parents=True, exist_ok=True)
        for theme in sorted(THEMES.glob("*.toml")):
            shutil.copyfile(theme, target / theme.name)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not getattr(self, "editable_mode", False):
            target = Path(self.build_lib) / "warroom" / "data" / "themes"
            outputs += [str(target / theme.name) for theme in sorted(THEMES.glob("*.toml"))]
        return outputs


setup(cmdclass={"build_py": BuildPyWithThemes})
