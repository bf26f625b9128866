"""Industry Metrics: a first page that shows what the store holds (issue 4 replaces it with the dashboard).

On a fresh checkout it builds the demo industry first, with a progress bar; `streamlit run app.py`.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from industry_metrics import contract, demo, paths, reader, registry
from industry_metrics.store import Store

st.set_page_config(page_title="Industry Metrics", layout="wide")
st.title("Industry Metrics · 行业自律监测")

data_dir = paths.data_dir()
store = Store(data_dir)
if not (data_dir / demo.MANIFEST).exists() and store.snapshot().id == 0:
    bar = st.progress(0.0, text="Building the demo industry…")
    demo.ensure_demo(data_dir, progress=lambda label, f: bar.progress(min(f, 1.0), text=f"Building the demo industry: {label}"))
    bar.empty()

snap = store.snapshot()
firms = registry.load(data_dir)
periods = snap.periods()
left, mid, right = st.columns(3)
left.metric("Snapshot", snap.id)
mid.metric("Member firms", len(firms))
right.metric("Periods", f"{periods[0]} – {periods[-1]}" if periods else "none")

st.subheader("Rows per table")
con = reader.connect(snap)
counts = {name: con.sql(f'SELECT count(*) FROM "{name}"').fetchall()[0][0] for name in contract.TABLE_NAMES}
st.dataframe(pl.DataFrame({"table": list(counts), "rows": list(counts.values())}), hide_index=True)

st.subheader("Submissions")
rows = [{"arrival": i + 1, "firm": s["firm_id"], "name": firms[s["firm_id"]].name_en if s["firm_id"] in firms else "",
         "period": s["period"], "version": s["version"], "status": s["status"], "at": s["accepted_at"]}
        for i, s in enumerate(snap.submissions)]
rows += [{"arrival": None, "firm": r["firm_id"], "name": firms[r["firm_id"]].name_en if r["firm_id"] in firms else "",
          "period": r["period"], "version": None, "status": "rejected", "at": r["rejected_at"]} for r in store.rejections()]
submissions = pl.DataFrame(rows, schema={"arrival": pl.Int64, "firm": pl.String, "name": pl.String, "period": pl.String,
                                         "version": pl.Int64, "status": pl.String, "at": pl.String})
status = st.multiselect("Status", ["accepted", "superseded", "rejected"], default=["accepted", "superseded", "rejected"])
st.dataframe(submissions.filter(pl.col("status").is_in(status)).sort("firm", "period", "at"), hide_index=True)

st.subheader("Firms")
st.dataframe(pl.DataFrame([{"firm": f.firm_id, "name": f.name_zh, "name_en": f.name_en, "size": f.size_band,
                            "region": f.region_code, "joined": f.joined_on.isoformat()} for f in firms.values()]), hide_index=True)
