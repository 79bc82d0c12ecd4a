"""warroom: a full-screen terminal war room for production incidents."""

__version__ = "0.1.0"
