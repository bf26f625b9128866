"""Write one firm-month's tables as real submission files, in the firm's own format.

Formats: csv_utf8, csv_bom (UTF-8 with a byte-order mark), csv_gbk (GBK, with 是/否 for
booleans as Chinese exports write them), parquet (typed columns), xlsx (one workbook, one
sheet per table). Column names and order come from the contract, nothing else.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from .. import contract

FORMATS = ("csv_utf8", "csv_bom", "csv_gbk", "parquet", "xlsx")


def template_frame(name: str, frame: pl.DataFrame, fmt: str) -> pl.DataFrame:
    """The frame with the template's columns in order, values typed the way the format carries them."""
    exprs = []
    for col in contract.table(name).columns:
        e = pl.col(col.name)
        if col.type == "decimal":  # integer cents -> exact 2-place text, then Decimal for Parquet
            text = (e // 100).cast(pl.String) + "." + (e % 100).cast(pl.String).str.zfill(2)
            e = text.cast(pl.Decimal(18, 2)) if fmt == "parquet" else text
        elif fmt != "parquet":
            if col.type == "date":
                e = e.dt.strftime("%Y-%m-%d")
            elif col.type == "timestamp":
                e = e.dt.strftime("%Y-%m-%d %H:%M:%S")
            elif col.type == "bool":
                yes, no = ("是", "否") if fmt == "csv_gbk" else ("true", "false")
                e = pl.when(e).then(pl.lit(yes)).when(~e).then(pl.lit(no))
            else:
                e = e.cast(pl.String)
        exprs.append(e.alias(col.name))
    return frame.select(exprs)


def write_submission(tables: dict[str, pl.DataFrame], folder: Path, fmt: str, stem: str = "", extra: dict[str, pl.DataFrame] | None = None) -> list[Path]:
    """Write every table into folder; extra adds columns that are not in the template (a bad submission)."""
    folder.mkdir(parents=True, exist_ok=True)
    frames = {}
    for name, frame in tables.items():
        out = template_frame(name, frame, fmt)
        if extra and name in extra:
            out = pl.concat([out, extra[name]], how="horizontal")
        frames[name] = out
    if fmt == "xlsx":
        return [_write_xlsx(frames, folder / f"{stem or 'submission'}.xlsx")]
    paths = []
    for name, frame in frames.items():
        if fmt == "parquet":
            path = folder / f"{name}.parquet"
            frame.write_parquet(path, compression="zstd", statistics=False)
        else:
            path = folder / f"{name}.csv"
            text = frame.write_csv(null_value="")
            encoding = {"csv_utf8": "utf-8", "csv_bom": "utf-8-sig", "csv_gbk": "gbk"}[fmt]
            path.write_bytes(text.encode(encoding))
        paths.append(path)
    return paths


def _write_xlsx(frames: dict[str, pl.DataFrame], path: Path) -> Path:
    import openpyxl  # only the XLSX firm pays for it

    book = openpyxl.Workbook(write_only=True)
    for name, frame in frames.items():
        sheet = book.create_sheet(name)
        sheet.append(frame.columns)
        for row in frame.iter_rows():
            sheet.append(row)
    book.save(path)
    return path
