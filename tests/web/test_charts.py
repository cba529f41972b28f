"""The web charts: wide, with a legend and the numbers, labels that keep apart, a sentence when empty."""

from __future__ import annotations

import itertools
import re

import pytest

from goodterms.web.charts import BAR, HIGHLIGHT, PHONE_FONT, WIDTH, Series, bar_chart, nice_max, text_width

WEEKS = [f"2026-W{n:02d}" for n in range(1, 53)]
LONG = ["การถอดเสียงประชุมคณะกรรมการประจำไตรมาส", "Kvartaliaruande tõlge ja ülevaatus", "A" * 60, "x"]


def chart(labels: list[str], values: list[float], **kw: object) -> str:
    return bar_chart(
        uid="c",
        title="Contacts per week",
        labels=labels,
        values=values,
        headers=("Week", "Contacts"),
        series=Series("Contacts", BAR),
        empty="No contacts in these weeks.",
        numbers="Show the numbers",
        **kw,  # type: ignore[arg-type]
    )


def label_boxes(svg: str, cls: str) -> list[tuple[float, float]]:
    """Return the horizontal extent of each drawn axis label of one size, from its anchor and estimated width."""
    boxes = []
    pattern = rf'<text class="x-label {cls}" x="([\d.]+)" y="[\d.]+" font-size="([\d.]+)" text-anchor="(\w+)"[^>]*>([^<]*)</text>'
    for x, font, anchor, text in re.findall(pattern, svg):
        w = text_width(text.replace("&amp;", "&"), font=float(font))
        left = float(x) - w / 2 if anchor == "middle" else float(x)
        boxes.append((left, left + w))
    return boxes


def test_a_chart_is_drawn_at_least_720_units_wide_with_a_legend_and_the_numbers() -> None:
    html = chart(
        ["a", "b"], [3, 5], highlight=[False, True], highlight_series=Series("After hours", HIGHLIGHT)
    )
    width = int(re.search(r'<svg[^>]* width="(\d+)"', html).group(1))  # type: ignore[union-attr]
    assert width >= 720
    legend = re.search(r'<ul class="legend">(.*?)</ul>', html).group(1)  # type: ignore[union-attr]
    assert "Contacts" in legend and "After hours" in legend and HIGHLIGHT in legend
    assert "<summary>Show the numbers</summary>" in html and "<td>b</td><td>5</td>" in html
    assert 'aria-labelledby="c-title"' in html


@pytest.mark.parametrize("labels", [WEEKS, LONG, WEEKS[:3], ["x"]], ids=["52-weeks", "long", "three", "one"])
@pytest.mark.parametrize("cls", ["wide", "narrow"])
def test_axis_labels_never_overlap_and_stay_inside_the_chart(labels: list[str], cls: str) -> None:
    svg = chart(labels, [float(i + 1) for i in range(len(labels))])
    boxes = label_boxes(svg, cls)
    assert boxes, "no axis label drawn"
    for (_, right), (left, _) in itertools.pairwise(boxes):
        assert right < left, f"labels overlap: {boxes}"
    assert all(a >= 0 and b <= WIDTH for a, b in boxes), boxes


def test_a_year_of_weeks_gets_fewer_labels_at_phone_size_than_on_a_desktop() -> None:
    svg = chart(WEEKS, [1.0] * len(WEEKS))
    assert 1 < len(label_boxes(svg, "narrow")) < len(label_boxes(svg, "wide")) < len(WEEKS)
    assert f'font-size="{PHONE_FONT}"' in svg


@pytest.mark.parametrize("values", [[], [0.0, 0.0], [-2.0, 0.0]], ids=["none", "zeros", "early-payments"])
def test_an_empty_chart_is_a_sentence(values: list[float]) -> None:
    html = chart([str(i) for i in range(len(values))], values)
    assert "<svg" not in html and '<p class="empty">No contacts in these weeks.</p>' in html


def test_counts_get_whole_number_ticks_and_measures_round_ones() -> None:
    assert nice_max(1, whole=True) == 4 and nice_max(19, whole=True) == 20 and nice_max(0, whole=True) == 4
    assert nice_max(0.3) == 0.4 and nice_max(7.5) == 8
    svg = chart(["a", "b"], [1.0, 0.0])
    assert re.findall(r'class="y-label wide"[^>]*>([^<]*)<', svg) == ["0", "1", "2", "3", "4"]


def test_labels_and_titles_are_escaped() -> None:
    html = chart(["<b>&"], [1.0])
    assert "<b>&" not in html and "&lt;b&gt;&amp;" in html
