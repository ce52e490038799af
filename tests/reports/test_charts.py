"""The release chart's geometry: one series per artefact kind, each a share of the papers."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from reports.charts import CHART_MARGIN, plot_box, release_series
from reports.report import HistoryPoint, Report


def _point(audit_id: int, papers: int, code: int, weights: int, data: int) -> HistoryPoint:
    return HistoryPoint(audit_id, datetime(2025, 7, audit_id, tzinfo=UTC), {}, None,
                        papers=papers, released={"code": code, "weights": weights, "data": data})


def _report(*history: HistoryPoint) -> Report:
    fields = {field.name: None for field in dataclasses.fields(Report)}
    return Report(**{**fields, "history": history})  # type: ignore[arg-type]


def test_one_series_per_kind_with_the_share_of_papers_per_audit() -> None:
    series, axis = release_series(_report(_point(1, 4, 1, 0, 2), _point(2, 4, 4, 2, 2)))

    assert [s.kind for s in series] == ["code", "weights", "data"]
    assert len({s.colour for s in series}) == 3 and len({s.marker for s in series}) == 3
    code = series[0]
    assert [p.value for p in code.points] == [0.25, 1.0]
    assert [(p.count, p.total) for p in code.points] == [(1, 4), (4, 4)]
    left, top, width, height = plot_box()
    assert [p.x for p in code.points] == [left, left + width]  # first and last audit at the ends
    assert code.points[1].y == top and series[1].points[0].y == top + height  # 100% and 0%
    assert code.polyline == f"{left:.1f},{top + height * 0.75:.1f} {left + width:.1f},{top:.1f}"
    assert [p.label for p in axis] == ["#1 2025-07-01", "#2 2025-07-02"]


def test_audits_without_papers_are_left_out_and_one_audit_sits_in_the_middle() -> None:
    series, axis = release_series(_report(_point(1, 0, 0, 0, 0), _point(2, 2, 1, 0, 0)))
    assert len(axis) == 1 and all(len(s.points) == 1 for s in series)
    assert series[0].points[0].value == pytest.approx(0.5)
    assert axis[0].x == CHART_MARGIN["left"] + plot_box()[2] / 2
    assert release_series(_report()) == ((*(dataclasses.replace(s, points=()) for s in series),),
                                         ())
