"""The event catalog."""
