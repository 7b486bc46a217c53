"""What encoding a CSV file is in: UTF-8 (with or without BOM) or GB18030, as Excel on Chinese
Windows saves it (:func:`decode_csv`), and, for a file in neither, a guess at what it is
(:func:`likely_encoding`, by :func:`chinese_plausibility`) or the line a damaged UTF-8 byte is on
(:func:`damaged_utf8_line`), so that the one error line says what to do.
"""

from __future__ import annotations

from pathlib import Path

from bulletin.core.errors import BulletinDataError

#: what a CSV file is expected to be, as an error line says it
TEXT_EXPECTED = "a CSV file in UTF-8 (with or without BOM) or GB18030, as Excel saves it"


def decode_csv(data: bytes, file: str | Path) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), else GB18030; anything else is an error."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BulletinDataError(
            "the file is UTF-16 (Excel's 'Unicode text')", file=file,
            expected=TEXT_EXPECTED + " (save as 'CSV UTF-8')",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        row = damaged_utf8_line(data, exc.start)
        if row is not None:
            raise BulletinDataError(
                "the file is UTF-8 but damaged (an invalid byte)", file=file, row=row,
                value=data[max(0, exc.start - 12) : exc.start + 4].decode("utf-8", "replace"),
                expected="valid UTF-8 throughout (save the file again as 'CSV UTF-8')",
            ) from None
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            text = None
        if text is None or chinese_plausibility(text) < _PLAUSIBLE:
            other = likely_encoding(data)
            problem = f"the file looks like {other}, not UTF-8 or GB18030 Chinese" if other else "the file is not text"
            raise BulletinDataError(problem, file=file, expected=TEXT_EXPECTED + " (save it as 'CSV UTF-8')") from None
    if "\x00" in text:
        raise BulletinDataError("the file is not text (it holds NUL bytes)", file=file, expected=TEXT_EXPECTED)
    return text


#: below this share of common Chinese characters, text decoded as GB18030 is taken for garbage
_PLAUSIBLE = 0.6
#: other encodings a CSV may arrive in, and how a reader knows them
_OTHER_ENCODINGS = (("big5", "Big5 (traditional Chinese, Taiwan/Hong Kong)"),
                    ("shift_jis", "Shift-JIS (Japanese)"),
                    ("cp1252", "Windows-1252 (Western European)"))


def chinese_plausibility(text: str) -> float:
    """The share of the non-ASCII characters of ``text`` that common Chinese text is made of.

    Common characters are the 3755 most frequent hanzi (GB2312 level 1) and GB2312's punctuation
    and full-width forms. Chinese names score near 1 (this project's data 0.93 to 1); bytes of
    another encoding read as GB18030 score low (Big5 0.28, Shift-JIS 0.0 in the tests) and
    include private-use characters. Text with fewer than 4 non-ASCII characters scores 1 (too
    little to judge).
    """
    others = [ch for ch in text if ord(ch) > 127]
    if len(others) < 4:
        return 1.0
    common = 0
    for ch in others:
        try:
            lead = ch.encode("gb2312")[0]
        except UnicodeEncodeError:
            continue
        common += 0xB0 <= lead <= 0xD7 or lead in (0xA1, 0xA3)
    return common / len(others)


def likely_encoding(data: bytes) -> str | None:
    """The encoding ``data`` most likely is among Big5, Shift-JIS and Windows-1252 (None: none fits)."""
    import unicodedata

    for codec, label in _OTHER_ENCODINGS:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        others = [ch for ch in text if ord(ch) > 127]
        if not others:
            continue
        if codec == "cp1252":
            fits = sum(unicodedata.category(ch).startswith("L") for ch in others)
        elif codec == "shift_jis":
            fits = sum("HIRAGANA" in unicodedata.name(ch, "") or "KATAKANA" in unicodedata.name(ch, "")
                       for ch in others) * 3 + sum("CJK" in unicodedata.name(ch, "") for ch in others)
        else:
            fits = sum("CJK UNIFIED" in unicodedata.name(ch, "") or unicodedata.category(ch) == "Po"
                       for ch in others)
        if fits >= 0.9 * len(others):
            return label
    return None


def damaged_utf8_line(data: bytes, bad: int) -> int | None:
    """The line of ``data``'s first invalid UTF-8 byte (at ``bad``) when the text before it is
    clearly UTF-8, else ``None`` (the file may be GB18030).

    A UTF-8 file with one bad byte must not be read as GB18030 (every name would turn to garbage).
    Chinese text in GB18030 almost never forms UTF-8 three-byte sequences, so several of them before
    the first invalid byte mean the file is UTF-8 and damaged there.
    """
    before = data[:bad].decode("utf-8")
    if sum(1 for ch in before if ch >= "\u0800") >= 2:
        return before.count("\n") + 1
    return None

