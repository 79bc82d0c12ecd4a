"""Configuration: `model` holds the shape, `loader` reads and validates `warroom.toml`.

`load`, `load_config`, `check_config`, `inspect_config`, `ConfigError` and `ConfigProblem` are
available here too, imported on first use so that `import warroom.config` stays cheap.
"""

from warroom.config.model import *  # noqa: F403

_LAZY = frozenset(
    {
        "load",
        "load_config",
        "check_config",
        "inspect_config",
        "parse_config",
        "defaults",
        "ConfigError",
        "ConfigProblem",
    }
)


def __getattr__(name: str):
    if name in _LAZY:
        from warroom.config import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'warroom.config' has no attribute {name!r}")
