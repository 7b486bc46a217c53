"""The command line: ``bulletin check | ingest | template | revisions | run | documents | demo | months``.

Every domain error is printed as one line and exits 2; a traceback is never shown for bad input.
Each sub-command's work lives in its own module; this file parses arguments and prints what a command shows.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bulletin.core import publication
from bulletin.core.errors import BulletinError

if TYPE_CHECKING:
    from bulletin.data.revisions import Revision


def _cmd_check(args: argparse.Namespace) -> int:
    from bulletin.checks import check_month, check_range
    from bulletin.data import units

    report = check_range(args.month, args.data_dir) if ":" in args.month else check_month(args.month, args.data_dir)
    if not args.json and not units.present(args.data_dir):
        print(units.ABSENT_NOTE)
    print(report.to_json() if args.json else report.to_text())
    return report.exit_code


def _cmd_ingest(args: argparse.Namespace) -> int:
    from bulletin.ingest_command import ingest_command

    return ingest_command(args.file, month=args.month, data_dir=args.data_dir, force=args.force,
                          partial=args.partial, reason=args.reason)


def _cmd_template(args: argparse.Namespace) -> int:
    from bulletin.render.documents.template import write_template

    print(write_template(args.month, args.out, args.data_dir))
    return 0


def _cmd_revisions(args: argparse.Namespace) -> int:
    """``bulletin revisions MONTH [N] [--json]``: list a month's revisions, or show one as its edits."""
    from bulletin.data.loaders import month_folder
    from bulletin.data.revisions import read

    folder = month_folder(args.month, args.data_dir)
    revs = read(folder)
    if args.number is not None:
        _show_revision(folder, revs, args.number, args.json)
    elif args.json:
        print(json.dumps({"month": folder.name, "revisions": [_revision_json(r) for r in revs]},
                         ensure_ascii=False, indent=1))
    else:
        _list_revisions(folder, revs)
    return 0


def _show_revision(folder: Path, revs: Sequence[Revision], number: int, as_json: bool) -> None:
    """Revision ``number`` of the month in ``folder``: its heading and every edit (or its record)."""
    from bulletin.core.errors import BulletinDataError
    from bulletin.data.revisions import REVISIONS_DIR

    found = [r for r in revs if r.number == number]
    if not revs:
        raise BulletinDataError(
            f"{folder.name} has no revisions: the month was never revised, so there is no revision {number}",
            file=folder, column="revision",
            expected=f"`bulletin revisions {folder.name}` to list a month's revisions",
        )
    if not found:
        raise BulletinDataError(
            "no such revision", file=folder / REVISIONS_DIR, column="revision", value=number,
            expected="one of " + ", ".join(str(r.number) for r in revs),
        )
    print(json.dumps(_revision_json(found[0]), ensure_ascii=False, indent=1) if as_json else found[0].text())


def _list_revisions(folder: Path, revs: Sequence[Revision]) -> None:
    """One line per revision of the month in ``folder``."""
    from bulletin.core import paths

    if not revs:
        print(f"{folder.name}: never revised (the data holds the month as first ingested)")
        return
    print(f"{folder.name}: {len(revs)} revision{'s' if len(revs) != 1 else ''}; "
          f"the current version is {paths.display_path(folder)}/")
    for rev in revs:
        print(f"  {rev.summary()}")
    print(f"bulletin revisions {folder.name} N shows revision N as a diff")


def _revision_json(rev: Revision) -> dict[str, object]:
    """A revision as ``--json`` prints it: its record, where it is kept, whether it is verified, each
    edit with its text (under the record's key ``changes``)."""
    data = rev.to_dict()
    data["kept"] = rev.kept or None
    data["verified"] = rev.hashes is not None  # False: recorded before hashes were kept
    data["changes"] = [{**c.to_dict(), "text": c.text()} for c in rev.edits]
    return data


def _cmd_run(args: argparse.Namespace) -> int:
    """``bulletin run``: a signal (SIGTERM, SIGHUP) stops it as Ctrl-C does; the exit code says how it
    ended (2: no month of the range in the data)."""
    from bulletin import batch
    from bulletin.batch import jobs
    from bulletin.batch.signals import stop_as_interrupt

    notebooks = jobs.section_notebooks(args.sections)
    with stop_as_interrupt() as stopped:
        try:
            outcome = batch.run_batch(args.months, data_dir=args.data_dir, out=args.out, notebooks=notebooks,
                                      jobs=args.jobs, force=args.force, with_code=args.with_code,
                                      timeout=args.timeout)
        except KeyboardInterrupt:
            return stopped.exit_code()
    if not outcome.jobs and outcome.absent:
        return 2
    return outcome.exit_code


def _cmd_documents(args: argparse.Namespace) -> int:
    from bulletin.render.documents import write_all

    for path in write_all(args.month, args.data_dir, args.out):
        print(path)
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from bulletin.core import paths
    from bulletin.data import demo

    folder = Path(args.out) if args.out else paths.DEFAULT_DEMO_DIR
    written = demo.build(folder / "data")
    print(f"{folder / 'data'}：{demo.MARK} {written[0]} 至 {written[-1]}（{len(written)} 个月）")
    print(f"bulletin run {written[0]}:{written[-1]} --data-dir {folder / 'data'} --out {folder / 'reports'}")
    return 0


def _cmd_months(args: argparse.Namespace) -> int:
    from bulletin.data.loaders import months

    for month in months(args.data_dir):
        print(month)
    return 0


def _printable(text: str) -> str:
    """``text`` with control characters escaped (a name from data must not drive the terminal)."""
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text)


#: the --data-dir option's help, the same for every command
DATA_DIR_HELP = "数据目录（默认：$BULLETIN_DATA_DIR，否则项目的 data/）"


def _command(sub, name: str, summary: str, description: str | None = None):
    """A sub-command whose help reads in Chinese: its own groups 参数 and 选项 (argparse's own
    headings are English) and ``-h``; the option names stay as they are. Returns the parser and
    its two groups."""
    p = sub.add_parser(name, help=summary, description=description or summary, add_help=False)
    positionals, options = p.add_argument_group("参数"), p.add_argument_group("选项")
    options.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    return p, positionals, options


def build_parser() -> argparse.ArgumentParser:
    from bulletin.batch.jobs import DEFAULT_TIMEOUT

    parser = argparse.ArgumentParser(prog="bulletin", description=f"{publication.NAME}：数据、核对、分节报告",
                                     epilog="每个命令的说明：bulletin 命令 -h", add_help=False)
    parser.add_argument_group("选项").add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    sub = parser.add_subparsers(dest="command", required=True, title="命令")

    p, a, o = _command(sub, "check", "核对一个月的数据：各表合计是否相符，与此前各月比较，列出异常",
                       "核对一个月（或一段月份）的数据：各表合计是否相符，与此前各月比较，列出错误、警告和说明。"
                       "退出码：0 无错误，1 数据有错误，2 无法读取")
    a.add_argument("month", help="月份 YYYY-MM，或月份范围 YYYY-MM:YYYY-MM（退出码取最差的一个月）")
    o.add_argument("--data-dir", help=DATA_DIR_HELP)
    o.add_argument("--json", action="store_true", help="以 JSON 输出核对结果（供程序读取）")
    p.set_defaults(func=_cmd_check)

    p, a, o = _command(sub, "ingest", "把已发布简报的文本导出或填好的月度模板（.xlsx）读入数据目录的月份文件夹",
                       "把一期简报的文本导出，或 bulletin template 生成并填好的工作簿（.xlsx），"
                       "读入 data/YYYY-MM/，并随即核对。"
                       "该月已在数据中时只列出改动，不写入；加 --force 作为修订写入（原版本保留）")
    a.add_argument("file", help="简报的文本导出文件，或填好的月度模板 .xlsx（或本项目发布的工作簿）")
    o.add_argument("--month", help="月份 YYYY-MM；须与各节标题中的月份一致")
    o.add_argument("--data-dir", help=DATA_DIR_HELP)
    o.add_argument("--force", action="store_true",
                   help="把对已有月份的更正作为一次修订写入（原版本完整保留）")
    o.add_argument("--reason", help="修订原因（记入修订记录，并向读者展示）")
    o.add_argument("--partial", action="store_true",
                   help="已知文本不完整：保留完整读到的各节，其余记为未读")
    p.set_defaults(func=_cmd_ingest)

    p, a, o = _command(sub, "template", "写出某月的数据填报模板（xlsx）：填好后用 bulletin ingest 导入",
                       "写出某月的数据填报模板（xlsx）：每张表一页，预填最近一个更早月份的单位，"
                       "另有段落数字页和填写说明。填好后用 bulletin ingest 导入")
    a.add_argument("month", help="月份 YYYY-MM")
    o.add_argument("--out", help="模板文件名 .xlsx（默认：reports/template-YYYY-MM.xlsx）")
    o.add_argument("--data-dir", help=DATA_DIR_HELP + "；预填其中最近一个更早月份的单位")
    p.set_defaults(func=_cmd_template)

    p, a, o = _command(sub, "revisions", "列出一个月的修订，或显示某次修订改了什么",
                       "列出一个月的修订记录；给出修订序号时逐项显示该次修订的改动。")
    a.add_argument("month", help="月份 YYYY-MM")
    a.add_argument("number", nargs="?", type=int, help="修订序号：显示该次修订的改动")
    o.add_argument("--data-dir", help=DATA_DIR_HELP)
    o.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=_cmd_revisions)

    p, a, o = _command(sub, "run", "运行各月的全部分节笔记本，发布网页和文档",
                       "为每个月运行全部分节笔记本，发布网页、PDF、Word、工作簿和数据包到 reports/。"
                       "输入未变的部分跳过")
    a.add_argument("months", nargs="+", metavar="MONTH", help="月份 YYYY-MM，或月份范围 YYYY-MM:YYYY-MM")
    o.add_argument("--data-dir", help=DATA_DIR_HELP)
    o.add_argument("--out", help="报告目录（默认：项目的 reports/）")
    o.add_argument("--sections", help="只运行这些分节：名称或编号，逗号分隔（默认：全部）")
    o.add_argument("--jobs", type=int, default=None, help="并行任务数（默认：可用的 CPU 数）")
    o.add_argument("--force", action="store_true", help="输入未变的任务也重新运行")
    o.add_argument("--with-code", action="store_true", help="网页中保留代码单元格")
    o.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"一个笔记本单元格最长运行的秒数；超时的任务记为失败并写明，该月不发布"
                        f"（默认：{DEFAULT_TIMEOUT:g}）")
    p.set_defaults(func=_cmd_run)

    p, a, o = _command(sub, "documents", "生成一个月统计部分的 PDF、Word、工作簿和数据包",
                       "把一个月的统计部分写成 PDF、Word 文件、Excel 工作簿和数据包。")
    a.add_argument("month", help="月份 YYYY-MM")
    o.add_argument("--out", required=True, help="写入的文件夹（自动创建；不得是数据目录）")
    o.add_argument("--data-dir", help=DATA_DIR_HELP)
    p.set_defaults(func=_cmd_documents)

    p, a, o = _command(sub, "demo", "生成演示用的模拟数据（不写入 data/）",
                       "由2020年2月的数据按固定规则生成此前12个月的模拟数据，写入 DIR/data/（默认 demo/data/），"
                       "每项输出都标明“模拟数据”。然后按输出的命令运行 bulletin run")
    o.add_argument("--out", help="演示文件夹（默认：项目的 demo/）；模拟数据写入其中的 data/")
    p.set_defaults(func=_cmd_demo)

    p, a, o = _command(sub, "months", "列出数据目录中的月份",
                       "列出数据目录中已有的月份。")
    o.add_argument("--data-dir", help=DATA_DIR_HELP)
    p.set_defaults(func=_cmd_months)
    return parser


def _quick_exit() -> None:
    """At exit, move every object to the collector's permanent generation (:func:`gc.freeze`).

    The interpreter's teardown otherwise runs full collections over everything the imports made
    (pandas, nbformat, the site's font, ...): about 0.08 s at the end of each ``bulletin run``.
    Objects are still freed by their reference counts and ``atexit`` handlers (log files, temporary
    folders) run as before; only cyclic garbage left at exit is not looked for.
    """
    import gc

    gc.freeze()


def _encoding_safe_output() -> None:
    """Let stdout and stderr write any text, whatever their encoding.

    A name from the data (Chinese, mostly) written to a terminal or pipe whose encoding cannot
    hold it (``PYTHONIOENCODING=ascii``, ``LANG=C`` on an old system, a Windows console) becomes a
    ``\\uXXXX`` escape instead of a ``UnicodeEncodeError`` traceback:
    :meth:`io.TextIOWrapper.reconfigure` with ``errors="backslashreplace"``. An encoding that
    holds every character (UTF-8) is left as it is; a stream that is not a text wrapper (a test's
    capture) is left alone.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    import atexit

    atexit.unregister(_quick_exit)  # once, however often main() is called in one process
    atexit.register(_quick_exit)
    _encoding_safe_output()
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "out", None) == "":
        # an unset shell variable must not silently mean the project's own reports/
        parser.error("--out is empty; give a folder, or leave the option out for the default")
    try:
        if getattr(args, "data_dir", None) is not None:
            # refused (when empty) with the line the API gives: bulletin.core.paths.data_dir
            from bulletin.core.paths import data_dir

            data_dir(args.data_dir)
        return args.func(args)
    except BulletinError as exc:
        print(f"bulletin {args.command}: {_printable(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C before a sub-command took charge of it (during imports, say)
        print(f"bulletin {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`bulletin check … | head`): stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
