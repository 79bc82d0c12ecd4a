"""The build copies the repository's `themes/*.toml` and `runbooks/*.md` into the package
(`warroom/data/themes/`, `warroom/data/runbooks/`).

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
RUNBOOKS = HERE / "runbooks"
#: (source directory, pattern, target inside the package)
DATA = ((THEMES, "*.toml", ("warroom", "data", "themes")), (RUNBOOKS, "*.md", ("warroom", "data", "runbooks")))


class BuildPyWithThemes(build_py):
    """build_py, then `themes/*.toml` and `runbooks/*.md` -> `<build>/warroom/data/...`."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # the editable package reads the source tree's themes/ directly
        for source, pattern, parts in DATA:
            target = Path(self.build_lib).joinpath(*parts)
            target.mkdir(parents=True, exist_ok=True)
            for path in sorted(source.glob(pattern)):
                shutil.copyfile(path, target / path.name)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not getattr(self, "editable_mode", False):
            for source, pattern, parts in DATA:
                target = Path(self.build_lib).joinpath(*parts)
                outputs += [str(target / path.name) for path in sorted(source.glob(pattern))]
        return outputs


setup(cmdclass={"build_py": BuildPyWithThemes})
