"""Random damage to the February 2020 export: correct data or an IngestError, never anything else.

"Correct" is checked where it can be known: whatever is written loads under the schema, every
section the damage did not touch is read exactly as from the undamaged file, and a repeated
blank line changes nothing at all.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from helpers import RAW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulletin.core.errors import IngestError
from bulletin.core.schema import TABLES
from bulletin.data.ingest import parse_text
from bulletin.data.ingest.layout import section_title
from bulletin.data.loaders import facts, load_month
from bulletin.data.store import month_files, write_month_files

TEXT = RAW.read_text(encoding="utf-8")
LINES = TEXT.split("\n")[:-1]  # every line ends with a line break
REFERENCE = parse_text(TEXT)
REFERENCE_FILES = month_files(REFERENCE.tables, REFERENCE.facts)

#: line index → the section (by table name) it belongs to; None before the first title
SECTION_OF: list[str | None] = []
_current = None
for _line in LINES:
    _found = section_title(_line)
    _current = _found[0] if _found else _current
    SECTION_OF.append(_current)
ORDER = list(dict.fromkeys(s for s in SECTION_OF if s))

#: what each section yields: its tables and the prefixes of its facts
YIELDS = {
    "hotline_categories": (("hotline_categories", "province_calls"), ("hotline.",)),
    "appointments": (("appointments",), ("appointments.",)),
    "booking_channels": (("booking_channels",), ("booking_channels.",)),
    "telemedicine": (("telemedicine", "telemedicine_top_uploaders"), ()),
    "platform_districts": (("platform_districts",), ("platform.",)),
    "platform_hospitals": (("platform_hospitals",), ("platform.",)),
    "kiosks": (("kiosks",), ("kiosks.",)),
}

n = len(LINES)
index = st.integers(0, n - 1)
tab_lines = [i for i, ln in enumerate(LINES) if ln.startswith("\t") and len(ln) > 2]
damage = st.one_of(
    st.tuples(st.just("delete"), index),
    st.tuples(st.just("duplicate"), index),
    st.tuples(st.just("swap"), index, index),
    st.tuples(st.just("truncate"), st.sampled_from(tab_lines), st.integers(1, 12)),
)


def apply(lines: list[str], op: tuple) -> tuple[list[str], set[int]]:
    """The damaged lines and the original line indices the damage touched."""
    out = list(lines)
    kind, i = op[0], op[1]
    if kind == "delete":
        del out[i]
        return out, {i}
    if kind == "duplicate":
        out.insert(i, out[i])
        return out, {i}
    if kind == "swap":
        j = op[2]
        out[i], out[j] = out[j], out[i]
        return out, {i, j}
    out[i] = out[i][: max(1, len(out[i]) - op[2])]
    return out, {i}


def touched_sections(lines_touched: set[int]) -> set[str]:
    out: set[str] = set()
    for i in lines_touched:
        sec = SECTION_OF[i]
        if sec is None:
            continue
        out.add(sec)
        # a damaged title merges its section into the one before it
        pos = ORDER.index(sec)
        if pos:
            out.add(ORDER[pos - 1])
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(op=damage)
def test_damage_yields_correct_data_or_an_ingest_error(op):
    lines, touched = apply(LINES, op)
    text = "\n".join(lines) + "\n"
    try:
        parsed = parse_text(text)
    except IngestError:
        return
    files = month_files(parsed.tables, parsed.facts)
    with tempfile.TemporaryDirectory() as tmp:
        write_month_files(Path(tmp) / parsed.month, files)
        loaded = load_month(parsed.month, tmp)  # what is written always loads under the schema
        facts(parsed.month, tmp)
    assert set(loaded) == set(parsed.tables)
    assert parsed.month == "2020-02"
    hit = touched_sections(touched)
    for sec in set(ORDER) - hit:
        names, fact_prefixes = YIELDS[sec]
        for name in names:
            assert files.get(TABLES[name].file) == REFERENCE_FILES[TABLES[name].file], name
        for key, value in REFERENCE.facts.items():
            if key.startswith(fact_prefixes) and not any(
                key.startswith(p) for s in hit for p in YIELDS[s][1]
            ):
                assert parsed.facts.get(key) == value, key


@settings(max_examples=40, deadline=None)
@given(i=st.sampled_from([i for i, ln in enumerate(LINES) if ln == ""]))
def test_a_repeated_blank_line_changes_nothing(i):
    lines = list(LINES)
    lines.insert(i, "")
    parsed = parse_text("\n".join(lines) + "\n")
    assert month_files(parsed.tables, parsed.facts) == REFERENCE_FILES


# --- any number of rows, in any order, with names of any valid shape ---------------------------

CHANNELS_START = TEXT.index("\t序号\n\t名称\n\t预约数量\n\t序号")
CHANNELS_END = TEXT.index("\t合计：16669\n")
channel_names = st.lists(
    st.text(st.sampled_from("健康南京客户端微信平台预约网（）()APP"), min_size=1, max_size=10).filter(
        lambda s: s.strip() and not s.strip().isdigit() and s.strip() not in ("合计", "总计")
    ),
    min_size=1, max_size=13, unique_by=str.strip,
)


def channels_text(channels: list[tuple[str, int]], leave_out: bool) -> str:
    """The channel table printed as the bulletin does: two (序号, 名称, 预约数量) groups per row."""
    half = (len(channels) + 1) // 2
    rows = ["\t序号\n\t名称\n\t预约数量\n\t序号\n\t名称\n\t预约数量\n"]
    for r in range(half):
        left = channels[r]
        cells = f"\t{r + 1}\n\t{left[0]}\n\t{left[1]}\n"
        if r + half < len(channels):
            right = channels[r + half]
            cells += f"\t{r + half + 1}\n\t{right[0]}\n\t{right[1]}\n"
        elif not leave_out:
            cells += "\t\n\t\n\t\n"
        rows.append(cells)
    return "\n".join(rows) + "\n"


@settings(max_examples=60, deadline=None)
@given(names=channel_names, counts=st.lists(st.integers(0, 10**6), min_size=13, max_size=13), leave_out=st.booleans())
def test_any_number_of_channels_two_per_row(names, counts, leave_out):
    channels = [(n.strip(), c) for n, c in zip(names, counts, strict=False)]
    total = sum(c for _, c in channels)
    text = TEXT[:CHANNELS_START] + channels_text(channels, leave_out) + f"\t合计：{total}\n" + TEXT[
        CHANNELS_END + len("\t合计：16669\n"):]
    parsed = parse_text(text)
    frame = parsed.tables["booking_channels"]
    assert list(zip(frame["channel"], frame["bookings"], strict=True)) == channels
    assert parsed.facts["booking_channels.total"] == total



@settings(max_examples=40, deadline=None)
@given(order=st.permutations(range(43)), keep=st.integers(1, 43))
def test_any_subset_of_hospitals_in_any_order(order, keep):
    frame = REFERENCE.tables["appointments"]
    start = TEXT.index("\t1\n\t" + frame["hospital"].iloc[0] + "\n")
    end = TEXT.index("\t合计\n\t25208\n")
    blocks = TEXT[start:end].rstrip("\n").split("\n\n")
    assert len(blocks) == 43
    chosen = [order[k] for k in range(keep)]
    text = TEXT[:start] + "\n\n".join(blocks[k] for k in chosen) + "\n\n" + TEXT[end:]
    got = parse_text(text).tables["appointments"]
    assert got["hospital"].tolist() == [frame["hospital"].iloc[k] for k in chosen]
    assert got["total"].tolist() == [frame["total"].iloc[k] for k in chosen]
