"""Read paths: stored events upcast to the version a reader wants.

``dicts`` is the ``Upcaster`` over decoded payloads; ``wire`` reads and writes Confluent
framed bytes, ``cloudevents`` CloudEvents envelopes, ``stream`` events one by one with an error
policy. (Bulk runs over a JSON Lines store are ``evcat.upcast.bulk``, beside the service:
its workers build their upcaster from storage.) Imports every other upcast sub-package.
"""

__all__ = [
    "cloudevents",
    "dicts",
    "stream",
    "wire",
]
