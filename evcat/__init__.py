"""evcat: an event catalog and schema governance registry."""

__version__ = "0.1.0"
