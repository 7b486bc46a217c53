"""The alias table (data/units.csv) and the month folder's not_published.csv."""

from __future__ import annotations

from bulletin.checks import check_month
from bulletin.data import units

# --------------------------------------------------------------------------- hostile round 4 (issue 27)

_HEADER = "canonical,alias,kind\n"


def test_a_large_alias_table_finds_the_same_close_names_as_comparing_every_row(data_copy):
    """20,000 rows: the indexed matching finds exactly what a plain loop of close() over every known
    name finds (the time is measured in bench/bench_units.py, not asserted here)."""
    from bulletin.checks.across import KnownNames, close

    rows = [f"测试{i}号医院,测试{i}号分院,hospital" for i in range(10_000)]
    rows += ["南京同仁医院,同仁医院,hospital", "南京市鼓楼医院,南京市鼓楼医院（本部）,hospital"]
    rows += [f"南京市第{i}医院,南京市第{i}人民医院,hospital" for i in range(20_000 - len(rows))]
    (data_copy / "units.csv").write_text(_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    table = units.aliases(data_copy)
    assert len(table.to_canonical) == 20_000
    known = table.names("hospital")
    index = KnownNames(known)
    for name in ("南京市第12医院", "测试17号院"):
        assert index.close_to(name) == sorted(k for k in known if k != name and close(name, k))
    assert "南京市鼓楼医院" in index.close_to("南京鼓楼医院")
    report = check_month("2020-02", data_copy)  # every name of February against the 20,000 rows
    assert report.exit_code == 0
