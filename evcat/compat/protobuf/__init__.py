"""Protobuf compatibility: ``check`` diffs two descriptors, ``rules`` words each difference."""
