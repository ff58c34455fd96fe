"""The report's charts as PNG: matplotlib with the Agg backend (no display), in the reader's script.

Labels are drawn in a Noto font chosen for the reader's language (Thai, Khmer, Lao, Chinese,
Japanese, Korean each need their own; the Debian packages ``fonts-noto-core`` and ``fonts-noto-cjk``,
installed by ``.ci/fonts.sh``), with Noto Sans and DejaVu Sans after it in the family list, so that
matplotlib falls back glyph by glyph for Latin names and digits. matplotlib 3.11 shapes complex
scripts (Thai marks, Khmer subscripts) through libraqm. When a font is missing, one WARNING says
which and what to install, and the chart is still made (with boxes for the missing glyphs).
"""

from __future__ import annotations

import io
import logging
import threading
import warnings
from collections.abc import Sequence
from functools import cache
from typing import Any

from bot.report import Chart, Report, Table

log = logging.getLogger(__name__)

# The font for each language's script; languages not named here read Latin or Cyrillic (Noto Sans).
FONTS: dict[str, str] = {
    "th": "Noto Sans Thai",
    "km": "Noto Sans Khmer",
    "lo": "Noto Sans Lao",
    "zh": "Noto Sans CJK SC",
    "ja": "Noto Sans CJK JP",
    "ko": "Noto Sans CJK KR",
}
BASE_FONTS = ("Noto Sans", "DejaVu Sans")  # Latin, Cyrillic, digits; DejaVu ships with matplotlib
INSTALL_HINT = "install the Debian packages fonts-noto-core and fonts-noto-cjk (bash .ci/fonts.sh)"
MAX_BARS = 24  # bar groups drawn in one chart; the rest are summed into "Other"
DPI = 100
_PYPLOT = threading.Lock()  # pyplot's state is global: one chart at a time, whichever thread draws it
COLOURS = ("#2E7D32", "#F9A825", "#1565C0", "#C62828", "#6A1B9A", "#00838F", "#EF6C00", "#4E342E",
           "#AD1457", "#558B2F", "#283593", "#9E9D24")


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")  # before pyplot is imported: never a display
    import matplotlib.pyplot as plt

    return plt


def _known(family: str) -> bool:
    from matplotlib import font_manager

    return any(f.name == family for f in font_manager.fontManager.ttflist)


@cache
def _rescanned() -> None:
    """Fonts installed after matplotlib cached its font list are not in it: add the Noto files found."""
    from matplotlib import font_manager

    for path in font_manager.findSystemFonts():
        if "Noto" in path and ("Sans" in path) and "Mono" not in path:
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # an unreadable file: skip it
                continue


@cache
def font_family(language: str) -> tuple[str, ...]:
    """The families charts in ``language`` are drawn with, best first (only those installed)."""
    wanted = [FONTS[language]] if language in FONTS else []
    wanted += list(BASE_FONTS)
    if not all(_known(f) for f in wanted[:-1]):
        _rescanned()
    found = tuple(f for f in wanted if _known(f))
    missing = [f for f in wanted[:-1] if not _known(f)]
    if missing:
        log.warning("charts in %s: font %s not found, labels may show boxes; %s", language,
                    ", ".join(missing), INSTALL_HINT)
    return found or ("DejaVu Sans",)


def _bars(table: Table, chart: Chart) -> tuple[list[str], dict[str, list[float]]]:
    """The x labels and, per series, one value per x label."""
    xs = [str(v) for v in table.column(chart.x)]
    if chart.series is None:
        labels = list(dict.fromkeys(xs))
        series = {}
        for key in chart.y:
            label = next(c.label for c in table.columns if c.key == key)
            values = dict(zip(xs, [float(v or 0) for v in table.column(key)], strict=True))
            series[label] = [values.get(x, 0.0) for x in labels]
    else:
        labels = list(dict.fromkeys(xs))
        names = [str(v) for v in table.column(chart.series)]
        ys = [float(v or 0) for v in table.column(chart.y[0])]
        series = {}
        for x, name, y in zip(xs, names, ys, strict=True):
            series.setdefault(name, [0.0] * len(labels))[labels.index(x)] += y
        if len(series) > len(COLOURS):  # too many series to tell apart: the largest, then "Other"
            from bot.catalogues import _

            ranked = sorted(series, key=lambda n: -sum(series[n]))
            kept = {n: series[n] for n in ranked[:len(COLOURS) - 1]}
            kept[_("Other")] = [sum(series[n][i] for n in ranked[len(COLOURS) - 1:]) for i in range(len(labels))]
            series = kept
    if len(labels) > MAX_BARS and chart.series is None:
        from bot.catalogues import _

        head = labels[:MAX_BARS - 1]
        series = {k: [*v[:MAX_BARS - 1], sum(v[MAX_BARS - 1:])] for k, v in series.items()}
        labels = [*head, _("Other")]
    return labels, series


def render_chart(report: Report, chart: Chart) -> bytes:
    """One chart as PNG bytes, titled and with both axes labelled in the report's language."""
    plt = _pyplot()
    table = next(t for t in report.tables() if t.key == chart.table)
    labels, series = _bars(table, chart)
    family = list(font_family(report.language))
    with _PYPLOT, plt.rc_context({"font.family": family, "font.size": 10, "axes.unicode_minus": False}):
        # fixed margins rather than a layout engine: constrained layout draws every label twice
        fig, ax = plt.subplots(figsize=(8, 4.8), dpi=DPI)
        fig.subplots_adjust(left=0.1, right=0.97, top=0.86, bottom=0.27 if len(labels) > 4 else 0.15)
        try:
            count = max(len(series), 1)
            width = 0.8 / count
            positions = list(range(len(labels)))
            for n, (name, values) in enumerate(series.items()):
                shown = [v * 100 for v in values] if chart.share else values
                ax.bar([p - 0.4 + width * (n + 0.5) for p in positions], shown, width, label=name,
                       color=COLOURS[n % len(COLOURS)])
            ax.set_xticks(positions, labels, rotation=30 if len(labels) > 4 else 0,
                          ha="right" if len(labels) > 4 else "center")
            from bot.report import period_label

            ax.set_title(f"{chart.title}\n{period_label(report.period)}")
            ax.set_xlabel(chart.x_label)
            y_label = f"{chart.y_label} (%)" if chart.share else chart.y_label
            ax.set_ylabel(y_label)
            if chart.share:
                ax.set_ylim(0, 100)
            else:
                ax.yaxis.get_major_locator().set_params(integer=True)
            if chart.series is not None and series:
                ax.legend(fontsize=8)
            if not labels:
                from bot.catalogues import _

                ax.text(0.5, 0.5, _("Nothing in this period"), ha="center", va="center", transform=ax.transAxes)
            out = io.BytesIO()
            # the title and axis labels as text in the file too (PNG iTXt), for tools and checks
            fig.savefig(out, format="png", metadata={"Title": chart.title, "X axis": chart.x_label,
                                                     "Y axis": y_label})
        finally:
            plt.close(fig)
    return out.getvalue()


def png_files(report: Report, charts: Sequence[Chart] | None = None) -> list[tuple[str, bytes]]:
    """``(file name, PNG bytes)`` for every chart of the report. A glyph the fonts lack is logged
    (matplotlib's "missing from font" warning) rather than lost in a warnings filter."""
    from bot.catalogues import use_language

    files = []
    with use_language(report.language), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for chart in charts if charts is not None else [c for s in report.sections for c in s.charts]:
            files.append((f"{chart.key}.png", render_chart(report, chart)))
    for w in caught:
        if "missing from font" in str(w.message):
            log.warning("chart label in %s: %s; %s", report.language, w.message, INSTALL_HINT)
    return files
