"""JSON Schema: ``format`` parses and prints documents, ``drafts`` knows each dialect's keywords."""
