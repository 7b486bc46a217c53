"""The command line: ``bulletin check | ingest | template | revisions | run | documents | months``.

Every domain error is printed as one line and exits 2; a traceback is never shown for bad input.
Each sub-command's work lives in its own module; this file only parses arguments.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from . import publication
from .errors import BulletinError


def _cmd_check(args: argparse.Namespace) -> int:
    from . import units
    from .checks import check_month, check_range

    report = check_range(args.month, args.data_dir) if ":" in args.month else check_month(args.month, args.data_dir)
    if not args.json and not units.present(args.data_dir):
        print(units.ABSENT_NOTE)
    print(report.to_json() if args.json else report.to_text())
    return report.exit_code


def _cmd_ingest(args: argparse.Namespace) -> int:
    from .ingest import ingest_command

    return ingest_command(args.file, month=args.month, data_dir=args.data_dir, force=args.force,
                          partial=args.partial, reason=args.reason)


def _cmd_template(args: argparse.Namespace) -> int:
    from .documents.template import write_template

    print(write_template(args.month, args.out, args.data_dir))
    return 0


def _cmd_revisions(args: argparse.Namespace) -> int:
    from .revisions import revisions_command

    return revisions_command(args.month, args.number, args.data_dir, args.json)


def _cmd_run(args: argparse.Namespace) -> int:
    from .batch import run_command

    return run_command(args)


def _cmd_documents(args: argparse.Namespace) -> int:
    from .documents import write_all

    for path in write_all(args.month, args.data_dir, args.out):
        print(path)
    return 0


def _cmd_months(args: argparse.Namespace) -> int:
    from .loaders import months

    for month in months(args.data_dir):
        print(month)
    return 0


def _printable(text: str) -> str:
    """``text`` with control characters escaped (a name from data must not drive the terminal)."""
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text)


def build_parser() -> argparse.ArgumentParser:
    from .batch.jobs import DEFAULT_TIMEOUT

    parser = argparse.ArgumentParser(prog="bulletin", description=f"{publication.NAME}：数据、核对、分节报告")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="tie out a month's totals, against earlier months too, and flag anomalies")
    p.add_argument("month", help="YYYY-MM, or a range YYYY-MM:YYYY-MM (exit code: the worst month's)")
    p.add_argument("--data-dir", help="data directory (default: $BULLETIN_DATA_DIR or the project's data/)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("ingest", help="turn a published bulletin (text export) or a filled-in template (.xlsx) "
                       "into a month folder")
    p.add_argument("file", help="the bulletin's text export, or a month workbook made by bulletin template")
    p.add_argument("--month", help="YYYY-MM; must agree with the month in the section titles")
    p.add_argument("--data-dir", help="data directory (default: $BULLETIN_DATA_DIR or the project's data/)")
    p.add_argument("--force", action="store_true",
                   help="take in a correction of a month in the data as a revision (the earlier version is kept)")
    p.add_argument("--reason", help="why the month is revised (kept in the revision's record, shown to readers)")
    p.add_argument("--partial", action="store_true",
                   help="the text is cut short and you know it: keep the sections read in full, "
                   "record the rest as not read")
    p.set_defaults(func=_cmd_ingest)

    p = sub.add_parser("template", help="写出某月的数据填报模板（xlsx）：填好后用 bulletin ingest 导入")
    p.add_argument("month", help="月份 YYYY-MM")
    p.add_argument("--out", help="模板文件名 .xlsx（默认：reports/template-YYYY-MM.xlsx）")
    p.add_argument("--data-dir", help="数据目录：预填最近一个更早月份的单位（默认：$BULLETIN_DATA_DIR 或项目的 data/）")
    p.set_defaults(func=_cmd_template)

    p = sub.add_parser("revisions", help="list a month's revisions, or show one as a diff")
    p.add_argument("month", help="YYYY-MM")
    p.add_argument("number", nargs="?", type=int, help="a revision's number: show what it changed")
    p.add_argument("--data-dir", help="data directory (default: $BULLETIN_DATA_DIR or the project's data/)")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(func=_cmd_revisions)

    p = sub.add_parser("run", help="run every section notebook for months and publish HTML")
    p.add_argument("months", nargs="+", metavar="MONTH", help="YYYY-MM or a range YYYY-MM:YYYY-MM")
    p.add_argument("--data-dir", help="data directory (default: $BULLETIN_DATA_DIR or the project's data/)")
    p.add_argument("--out", help="reports directory (default: the project's reports/)")
    p.add_argument("--sections", help="comma-separated section names or numbers (default: all)")
    p.add_argument("--jobs", type=int, default=None, help="parallel jobs (default: number of CPUs)")
    p.add_argument("--force", action="store_true", help="rerun jobs whose inputs are unchanged")
    p.add_argument("--with-code", action="store_true", help="keep code cells in the HTML")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"the longest a notebook cell may run; a job that runs out fails, named, and its month "
                        f"is not published (default: {DEFAULT_TIMEOUT:g})")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("documents", help="write a month's PDF, Word file, workbook and data package")
    p.add_argument("month", help="YYYY-MM")
    p.add_argument("--out", required=True, help="folder to write into (created; never the data directory)")
    p.add_argument("--data-dir", help="data directory (default: $BULLETIN_DATA_DIR or the project's data/)")
    p.set_defaults(func=_cmd_documents)

    p = sub.add_parser("months", help="list the months in the data directory")
    p.add_argument("--data-dir")
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
            # refused (when empty) with the line the API gives: bulletin.paths.data_dir
            from .paths import data_dir

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
