"""Read paths: stored events upcast to the version a reader wants.

``dicts`` is the ``Upcaster`` over decoded payloads; ``wire`` reads and writes Confluent
framed bytes, ``cloudevents`` CloudEvents envelopes, ``stream`` an iterable with an error
policy, ``bulk`` a JSON Lines store with worker processes and checkpoints.
"""
