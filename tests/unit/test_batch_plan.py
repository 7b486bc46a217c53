"""Unit tests of :mod:`bulletin.batch.plan`."""

from __future__ import annotations

import helpers

FIGURES = helpers.figures_notebook()


def test_a_cold_run_starts_its_fork_server_before_computing_the_digests(data_copy, tmp_path, monkeypatch):
    """The fork server warms up (about a second of imports) while the runner computes the digests
    of a reports folder new to the data, not after them; a run whose digests are all current starts
    none before its plan says there is work, and a server nobody took is stopped with the run."""
    import io

    from bulletin.batch import plan as planning
    from bulletin.batch import pool
    from bulletin.history import History

    events: list[str] = []

    class Server:
        def stop(self) -> None:
            events.append("stopped")

    monkeypatch.setattr(pool, "start_server", lambda: events.append("server") or Server())
    real_digest = History.digest
    monkeypatch.setattr(History, "digest", lambda self, m: events.append(f"digest {m}") or real_digest(self, m))
    run = planning.settings(data_dir=data_copy, out=tmp_path / "reports", notebooks=[FIGURES], jobs=1, force=False,
                            with_code=False, progress=False, stream=io.StringIO(), timeout=None)

    class Log:
        def note(self, line: str) -> None:
            events.append(line)

    with pool.EarlyServer() as early:
        history = planning.digests(["2020-02"], run, Log(), on_stale=early.start)
    assert events == ["server", "digest 2020-02", "stopped"]  # nothing took it: stopped with the run
    assert [h[2] for h in history.digest("2020-02")["headlines"][:1]] == [59507]  # 12320 calls, February 2020
    events.clear()
    with pool.EarlyServer() as early:
        planning.digests(["2020-02"], run, Log(), on_stale=early.start)  # every digest current now
        assert events == []  # none started before the plan
        early.take().stop()  # the pool starts its own when the plan has work, and stops it
    assert events == ["server", "stopped"]
