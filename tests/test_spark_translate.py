"""The DuckDB -> Spark SQL translator, without a JVM: every query translates, each rewrite does its job,
and constructs with no faithful translation fail loudly with the query and the construct."""

from __future__ import annotations

import pytest
import sqlglot

from industry_metrics import metrics, queries
from industry_metrics.spark import translate
from industry_metrics.spark.translate import TranslationError, to_spark

ENGINE_QUERIES = [f"staging/{n}" for n in metrics.STAGING] + [f"metrics/{f}" for f in metrics.FAMILIES]


@pytest.mark.parametrize("name", ENGINE_QUERIES)
def test_every_query_the_engine_runs_translates_and_keeps_its_parameters(name):
    sql, params = translate.query(name)
    assert params == queries.load(name).params
    for p in params:
        assert f":{p}" in sql  # bound as a Spark named parameter marker, never formatted in
    assert "$" not in sqlglot.parse_one(sql, read="spark").sql("spark", comments=False)


def test_translation_follows_the_file_text():
    # translated from the file's text at run time: no second copy of the SQL exists anywhere
    assert "ROW_NUMBER() OVER" in translate.query("metrics/au_accc")[0]
    assert translate.query("metrics/recovery")[0] == to_spark(queries.load("metrics/recovery").sql, "metrics/recovery")


def test_iso_week_key_uses_the_year_of_the_weeks_thursday():
    out = to_spark("select strftime(local_date, '%G-%V') from t")
    assert "FORMAT_STRING('%04d-%02d', YEAR(DATE_ADD(local_date, 3 - WEEKDAY(local_date))), WEEKOFYEAR(local_date))" in out
    assert "DATE_FORMAT(placed_on, 'yyyy-MM')" in to_spark("select strftime(placed_on, '%Y-%m') from t")


def test_iso_day_of_week_and_time_of_day_keep_their_meaning():
    assert "EXTRACT(DAYOFWEEK_ISO FROM d)" in to_spark("select extract(isodow from d) from t")
    out = to_spark("select cast(contact_at as time) >= cast($q as time) from t")
    assert out.count("AS TIME)") == 2 and "TIMESTAMP" not in out


def test_day_difference_counts_calendar_days():
    assert "DATEDIFF(closed_on, received_on)" in to_spark("select datediff('day', received_on, closed_on) from t")


def test_a_plain_having_is_left_as_it_is():
    assert "HAVING" in to_spark("select a, count(*) as n from t group by a having count(*) > 1")


def test_bound_lists_and_lag_offsets_stay_parameters():
    out = to_spark("select list_contains(cast($h as date[]), d), lag(d, $n) over (order by d) from t")
    assert "ARRAY_CONTAINS(CAST(:h AS ARRAY<DATE>), d)" in out and "LAG(d, :n)" in out


@pytest.mark.parametrize("sql, construct", [
    ("select extract(dow from d) from t", "extract(dow"),
    ("select extract(second from ts) from t", "extract(second"),
    ("select strftime(d, '%u') from t", "strftime"),
    ("select datediff('month', a, b) from t", "datediff('month'"),
    ("select list_extract(l, 1) from t", "list_extract"),
    ("select [1, 2] as l", "[1, 2]"),
    ("select {'a': 1} as s", "{'a': 1}"),
    ("select columns(*) from t", "COLUMNS"),
    ("select * from read_parquet('x.parquet')", "READ_PARQUET"),
    ("select a from t qualify row_number() over (order by a) = 1", "QUALIFY"),
    ("select $1 from t", "$1"),
    ("select a, sum(x) as s from t group by grouping sets ((a), (a, b)) having grouping(b) = 0", "HAVING after GROUPING SETS"),
])
def test_untranslatable_constructs_fail_loudly(sql, construct):
    with pytest.raises(TranslationError) as info:
        to_spark(sql, "metrics/example")
    assert "metrics/example" in str(info.value) and construct in str(info.value)


def test_refresh_command_passes_engine_and_master(data_dir, monkeypatch):
    from click.testing import CliRunner

    from industry_metrics import metrics, refresh
    from industry_metrics.cli import main
    from industry_metrics.spark import session

    seen = {}

    def fake_full(root, pack, params, progress=None, engine="duckdb", metric_ids=None):
        seen.update(engine=engine, master=session.master(), metrics=sorted(metric_ids))
        return {"store_snapshot": 0, "recomputed": [], "parts": {}}

    monkeypatch.setattr(refresh, "full", fake_full)
    monkeypatch.setenv(session.MASTER_ENV, "spark://env-master:7077")
    runner = CliRunner()
    args = ["refresh", "--data-dir", str(data_dir), "--engine", "spark"]
    assert runner.invoke(main, args).exit_code == 0
    core = sorted(metrics.CORE_METRICS)  # the cn pack judges none of U1, U2, A1
    assert seen == {"engine": "spark", "master": "spark://env-master:7077", "metrics": core}
    assert runner.invoke(main, [*args, "--spark-master", "local[1]"]).exit_code == 0
    assert seen == {"engine": "spark", "master": "local[1]", "metrics": core}
    session.configure(None)
    assert runner.invoke(main, ["refresh", "--data-dir", str(data_dir), "--engine", "nope"]).exit_code != 0


def test_store_files_are_read_under_the_store_uri(monkeypatch, tmp_path):
    from industry_metrics.spark import session

    stored = tmp_path / "store" / "submissions" / "FA" / "2026-10" / "s1" / "contacts.parquet"
    monkeypatch.delenv(session.STORE_URI_ENV, raising=False)
    assert session.file_uri(stored, tmp_path / "store") == str(stored)
    monkeypatch.setenv(session.STORE_URI_ENV, "s3a://bucket/industry/store/")
    assert session.file_uri(stored, tmp_path / "store") == "s3a://bucket/industry/store/submissions/FA/2026-10/s1/contacts.parquet"
    session.configure(None, "file:///mnt/mirror")  # the CLI's --spark-store-uri wins over the environment
    try:
        assert session.file_uri(stored, tmp_path / "store") == "file:///mnt/mirror/submissions/FA/2026-10/s1/contacts.parquet"
    finally:
        session.configure(None)
