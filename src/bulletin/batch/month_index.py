"""A month's index figures: what its page shows besides its sections (headlines, check report, links)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bulletin.batch.jobs import last_line
from bulletin.batch.worker import server_address
from bulletin.core import cache, paths
from bulletin.core.errors import ForkedCallError


@dataclass
class IndexFigures:
    """What a month's index page shows besides its sections; what could not be had is ``None`` and
    its error is listed in ``problems`` (the page says "unavailable", the run's summary says why)."""

    headlines: list[list[str]] | None = None  # [[label, value], ...]: the sections' own headlines
    #: each declared comparison whose base month is in the data (环比, 同比): ``title`` and the worded
    #: change beside each headline (bulletin.sections.overview.compared_texts); ``[]`` when none
    compared: list[dict] = field(default_factory=list)
    points: list[str] | None = None  # the month's main points in words (bulletin.sections.overview.key_points)
    check: str | None = None  # the check summary line
    #: the findings themselves, as the month page lists them: ``summary``, ``counts``, ``findings``
    #: (rows of 级别/规则/表/单位/说明) and ``notes``
    check_report: dict | None = None
    months: list[str] | None = None  # every month in the data (the pages' previous/next links)
    problems: list[str] = field(default_factory=list)
    revisions: list[dict] = field(default_factory=list)  # the month's revisions (bulletin.data.revisions.page_summary)


def index_figures(month: str, data_dir: str | None) -> IndexFigures:
    """Headline figures and the check report of a month, for its index page (never raises).

    Both come from one loaded month (:func:`bulletin.month`), so each file is read once: the
    headlines are the sections' own (``bulletin.sections.overview.headline_texts``), the report is
    ``m.check()``.
    """
    from bulletin.data.revisions import page_summary

    result = IndexFigures(revisions=page_summary(month, data_dir))
    try:  # for the previous/next month links; without them the page simply has none
        result.months = sorted(cache.available_months(paths.data_dir(data_dir)))
    except Exception:  # noqa: BLE001 - an unusable data folder is reported by the jobs themselves
        pass
    m = None
    try:
        from bulletin.data.loaded_month import Month
        from bulletin.sections.overview import compared_texts, headline_texts, key_points

        m = Month(month, data_dir)
        result.headlines = [[str(k), str(v)] for k, v in headline_texts(m)]
        result.points = key_points(m)
        result.compared = compared_texts(m)
    except Exception as exc:  # noqa: BLE001 - a section's failure is the section job's to report
        result.problems.append(f"headline figures: {last_line(exc)}")
    try:
        from bulletin.data.loaded_month import Month

        report = (m or Month(month, data_dir)).check()
        result.check = str(report.summary())
        result.check_report = {
            "summary": report.summary(), "counts": {"errors": len(report.errors), "warnings": len(report.warnings)},
            "findings": report.to_frame().to_dict("records"), "notes": [r.message for r in report.remainders],
        }
    except Exception as exc:  # noqa: BLE001 - as above
        result.problems.append(f"check summary: {last_line(exc)}")
    return result


def index_figures_json(month: str, data_dir: str | None) -> dict:
    """:func:`index_figures` as JSON-able data (what a fork of the server sends back)."""
    import json
    from dataclasses import asdict

    # the findings hold numpy scalars and NA: through JSON once, as the fork server sends them
    return json.loads(json.dumps(asdict(index_figures(month, data_dir)), ensure_ascii=False, default=str))


def index_figures_job(month: str, data_param: str | None) -> IndexFigures:
    """:func:`index_figures` in a pool worker, computed in a fork of the warmed server when there is one."""
    address = server_address()
    if address:  # a fork of the warmed server: pandas and the package are already imported
        from bulletin.batch.kernels.forked_call import call

        try:
            return IndexFigures(**call(address, f"{__name__}:index_figures_json", month, data_param))  # type: ignore[arg-type]
        except (OSError, ForkedCallError, ValueError, TypeError):  # the server could not: the same here, slower
            pass
    return index_figures(month, data_param)
