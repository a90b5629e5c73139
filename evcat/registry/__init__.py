"""The schema registry: subjects, versions, global ids, references, config and modes."""
