"""JSON Schema compatibility: ``check`` walks both schemas; ``keywords``, ``content`` and
``combined`` compare keyword families; ``rules`` holds Confluent's difference types.
"""
