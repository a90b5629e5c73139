"""evcat's benchmarks, run by ``make bench`` (``python -m bench``); never part of ``make test``.

Each benchmark is one module with a ``run(options)`` function returning ``Result`` rows; every
row is compared with a target and, where it makes sense, with a baseline measured in the same run
on the same machine, so the ratio stays meaningful when the absolute numbers move with hardware.
"""
