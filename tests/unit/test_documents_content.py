"""Tests of ``bulletin.render.documents.content``: a month's statistics part as a :class:`~.model.Document`:
sections, prose, printed tables, charts."""

from __future__ import annotations

from bulletin.render.documents import content


def test_the_chapter_prose_takes_each_stated_figures_value_and_wording_from_the_model(monkeypatch, february):
    from dataclasses import replace

    from bulletin.render.documents import content
    from bulletin.sections import data_platform, hotline, telemedicine

    def prose(chapter) -> str:
        return "".join(b.text for b in chapter.blocks if hasattr(b, "text"))

    assert "共受理咨询电话59507个" in prose(content.hotline(february))
    assert "（截止2月底，区及医院累计校验入库数据49.3亿条）" in prose(content.platform_hospitals(february))
    assert "（截止2月底，总预约挂号量为18722617次）" in prose(content.appointments(february))
    # one declaration changed: its value and its wording (unit, form) change in the prose too
    def redeclared(module, key, **changes):
        monkeypatch.setattr(module, "FIGURES", tuple(replace(d, **changes) if d.key == key else d
                                                     for d in module.FIGURES))

    assert "2月份采集心电病例33472份，会诊量33例" in prose(content.telemedicine(february))
    redeclared(hotline, "hotline.total_calls", value=lambda m: 60000, unit="通")
    redeclared(telemedicine, "telemedicine.ecg_cases", unit="例次")
    redeclared(hotline, "hotline.province_total_calls", unit="次")
    redeclared(data_platform, "platform.cumulative_records", form="")
    said = prose(content.hotline(february))
    assert "共受理咨询电话60000通" in said and "共接听电话69660次" in said
    assert "（截止2月底，区及医院累计校验入库数据4930000000条）" in prose(content.platform_hospitals(february))
    assert "2月份采集心电病例33472例次，会诊量33例" in prose(content.telemedicine(february))


def test_pdf_and_word_tables_print_the_sign_and_say_what_it_means(month):
    doc = content.build_from(month)
    cells = {g.name: [[c.text for c in row] for row in g.body]
             for ch in doc.chapters for g in ch.blocks if hasattr(g, "body")}
    (appointment,) = [r for r in cells["appointments"] if "南京市第一医院" in r]
    assert appointment[4] == "—"
    (district,) = [r for r in cells["platform_districts"] if "玄武区" in r]
    assert district[1] == "—/129" and district[-1] == "…"
    (hospital,) = [r for r in cells["platform_hospitals"] if "江苏省中医院" in r]
    assert hospital[3] == "—"
    (kiosk,) = [r for r in cells["kiosks"] if "玄武区" in r]
    assert kiosk[-2:] == ["…", "—"]
    assert {t for t, _ in doc.terms} == {"未反馈", "—", "…"}


def test_the_pdf_source_prints_the_sign_with_its_note(month):
    from bulletin.render.documents import pdf

    doc = content.build_from(month)
    (grid,) = [g for ch in doc.chapters for g in ch.blocks if getattr(g, "name", "") == "platform_hospitals"]
    source = pdf._grid(grid, True, doc.terms)
    assert '"—"' in source and "注：“—”：简报此处印作该符号" in source and "注：“…”" not in source
