"""Tests of ``bulletin.render.documents.template``: ``bulletin template MONTH``: the fill-in workbook for a
month, laid out by :mod:`bulletin.core.sheet_layout`."""

from __future__ import annotations

import openpyxl

from bulletin import cli
from bulletin.core.sheet_layout import FACTS_SHEET, GUIDE_SHEET, MONTH_CELL, PARAGRAPH_FACTS, TOTAL_LABEL
from bulletin.render.documents.template import write_template


def test_template_prefills_the_latest_earlier_months_units_totals_and_validations(data_copy, tmp_path):
    path = write_template("2020-03", tmp_path / "t.xlsx", data_copy)
    book = openpyxl.load_workbook(path)
    assert book[GUIDE_SHEET].cell(MONTH_CELL[0] + 1, MONTH_CELL[1] + 1).value == "2020-03"
    appts = book["预约挂号"]
    assert appts["A1"].value == "2020年3月预约挂号服务统计表"
    assert [c.value for c in appts[2]] == ["单位", "12320在线预约（次）", "电话预约（次）", "诊间预约（次）",
                                           "第三方（次）", "小计（次）"]
    names = [appts.cell(r, 1).value for r in range(3, appts.max_row + 1)]
    assert names[:3] == ["南京市儿童医院", "南京市第一医院", "南京鼓楼医院"] and len(names) == 44
    assert names[-1] == TOTAL_LABEL and appts.cell(3, 2).value is None  # figures left to fill in
    kiosks = book["自助终端"]
    assert (kiosks["A3"].value, kiosks["B3"].value) == ("医疗单位", "江苏省人民医院")
    assert kiosks.cell(kiosks.max_row, 2).value == TOTAL_LABEL
    rules = {str(v.sqref).split(":")[0]: v.formula1 for v in kiosks.data_validations.dataValidation}
    assert rules["C3"] == "AND(ISNUMBER(C3),C3>=0,C3=INT(C3))"  # 投放台数: a whole number ≥ 0
    assert rules["E3"] == "AND(ISNUMBER(E3),E3>=0,ROUND(E3,2)=E3)"  # 挂号金额: to the fen
    assert rules["A3"] == '"医疗单位,各区"'
    hosp = {str(v.sqref).split(":")[0]: v.formula1 for v in book["平台采集_医院"].data_validations.dataValidation}
    assert hosp["B3"] == 'OR(AND(ISNUMBER(B3),B3>=0,B3=INT(B3)),B3="未反馈")'  # 未反馈 only where allowed
    tele = book["远程医疗"]
    assert [tele.cell(3, c).value for c in (1, 2)] == ["南京市远程医学会诊平台", "累计接入医疗机构"]
    facts = book[FACTS_SHEET]
    assert [facts.cell(r, 1).value for r in range(3, facts.max_row + 1)] == list(PARAGRAPH_FACTS)
    assert "hotline.total_calls" in PARAGRAPH_FACTS and "kiosks.total.payment_yuan" not in PARAGRAPH_FACTS


def test_template_command_writes_the_file_and_prints_its_path(data_copy, tmp_path, capsys):
    out = tmp_path / "out" / "t.xlsx"
    assert cli.main(["template", "2020-03", "--out", str(out), "--data-dir", str(data_copy)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert openpyxl.load_workbook(out).sheetnames[0] == GUIDE_SHEET
    assert cli.main(["template", "2020-03", "--out", str(tmp_path / "t.csv"), "--data-dir", str(data_copy)]) == 2
    assert "expected a file name ending in .xlsx" in capsys.readouterr().err
