"""Import a real store's data from CSV exports: members, products, inventory and orders.

All or nothing: every row is validated first and a file with any bad row writes nothing. See
``docs/import.md`` for the column spec and ``store/importing/samples/`` for sample files.
"""

from __future__ import annotations

from pathlib import Path

from store.importing.columns import ROW_MODELS, Entity, columns_of
from store.importing.csv_import import import_csv
from store.importing.report import ImportReport, RowError, render_report

#: Folder of the sample file of each entity (``members.csv`` …).
SAMPLES_DIR = Path(__file__).parent / "samples"

__all__ = [
    "ROW_MODELS",
    "SAMPLES_DIR",
    "Entity",
    "ImportReport",
    "RowError",
    "columns_of",
    "import_csv",
    "render_report",
]
