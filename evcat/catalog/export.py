"""``evcat export catalog DIR``: the stored catalog written back in the apply format.

One file per resource, ``DIR/<kind plural>/<id>.yaml``, printed by ``spec.dump`` and
``yamlio.dump_yaml`` so the same catalog always gives the same bytes. YAML files left in those
folders by an earlier export but no longer in the catalog are removed, so the folder mirrors
the catalog and can be committed as is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from evcat.catalog import spec as s
from evcat.catalog import store
from evcat.catalog.yamlio import SUFFIXES, dump_yaml
from evcat.db import read_session


def export_documents(engine: Engine) -> list[dict[str, Any]]:
    """Every stored resource as a document, in apply order then by id."""
    with read_session(engine) as session:
        resources = store.read_all(session)
    order = {kind: index for index, kind in enumerate(s.KIND_NAMES)}
    keys = sorted(resources, key=lambda key: (order[key[0]], key[1]))
    return [s.dump(resources[key]) for key in keys]


def export_files(engine: Engine, directory: Path) -> list[Path]:
    """Write the catalog under ``directory``; returns the files written, in order."""
    written: list[Path] = []
    for document in export_documents(engine):
        folder = directory / s.PLURALS[document["kind"]]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{document['id']}.yaml"
        text = dump_yaml(document)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    keep = set(written)
    for plural in s.PLURALS.values():
        folder = directory / plural
        if folder.is_dir():
            for stale in folder.iterdir():
                if stale.suffix in SUFFIXES and stale not in keep:
                    stale.unlink()
    return written
