"""Report packs: one set of sections, written as PDF, XLSX, CSV and Parquet with a manifest.

model.py is the contract between building a pack (what the audience may see, read through
access.py and disclosure.py) and writing it (each format's writer only lays out what it is given).
"""
