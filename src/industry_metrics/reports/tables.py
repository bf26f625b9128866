"""CSV and Parquet files of a pack's tables, byte-identical for the same pack content.

Determinism: the column order is the section's, the rows come in the builder's fixed order
(every builder sorts), nothing time-dependent is written, and Parquet uses pinned writer settings
(one row group, zstd level 3, dictionary and statistics on), so the same snapshot, register and
code give the same bytes; the manifest's sha256 of these files proves it.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from .model import Section

PARQUET_SETTINGS = dict(compression="zstd", compression_level=3, use_dictionary=True, write_statistics=True,
                        version="2.6", data_page_version="1.0")


def write_csv(section: Section, path: Path) -> Path:
    """UTF-8, header of column ids, nulls as empty cells, floats in their shortest round-trip form."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(section.frame.write_csv(null_value="", line_terminator="\n").encode("utf-8"))
    return path


def write_parquet(section: Section, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    table = section.frame.to_arrow()
    pq.write_table(table, path, row_group_size=max(table.num_rows, 1), **PARQUET_SETTINGS)
    return path
