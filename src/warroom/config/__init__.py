"""Configuration: `model` holds the shape, `loader` reads and validates `warroom.toml`."""

from warroom.config.model import *  # noqa: F401,F403
