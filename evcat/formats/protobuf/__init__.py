"""Protobuf: ``format`` compiles and prints files; ``protoc``, ``imports``, ``names``,
``options`` and ``printer`` are its parts; ``builtin_protos`` the files clients assume.
"""
