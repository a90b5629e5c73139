"""The ``evcat`` command line."""
