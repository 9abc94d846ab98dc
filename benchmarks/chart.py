"""Bar charts of the benchmark results as SVG, written by plain Python so
that a chart needs nothing beyond the standard library.

bench.py draws ``results/latest.svg`` (time per request, in process) from
the report it has just written; server_bench.py draws
``results/server-latest.svg`` (requests per second behind each server).
The in-process chart can be redrawn from a saved report alone:

    python3 benchmarks/chart.py benchmarks/results/latest.md

writes ``benchmarks/results/latest.svg`` beside it.
"""
import os
import re
import sys
from xml.sax.saxutils import escape

#: One colour per row label, the same in every chart; flask.py's stands out.
COLOURS = {
    "flask.py": "#c0392b",
    "Flask 3.1": "#7f8c8d",
    "Bottle 0.13": "#2980b9",
    "Werkzeug": "#8e44ad",
    "Falcon 4.4": "#27ae60",
    "raw WSGI": "#34495e",
}
FALLBACK_COLOUR = "#95a5a6"

WIDTH = 900
LABEL_WIDTH = 120  # row labels, right-aligned before the bars
BAR_AREA = 520
ROW = 17  # height of one bar's line
BAR = 13
FONT = "font-family='DejaVu Sans, Helvetica, Arial, sans-serif'"


def bar_chart(title, subtitle, panels):
    """The SVG text of a chart. ``panels`` is a list of ``(heading, groups)``;
    each group is ``(label, rows)`` and each row ``(label, value, text)``:
    a bar of length ``value`` (to the scale of its panel, starting at
    zero) in the row label's colour, with ``text`` written after it."""
    parts = []
    y = 30
    parts.append(f"<text x='10' y='{y}' font-size='18' font-weight='bold'>{escape(title)}</text>")
    y += 20
    for line in subtitle:
        parts.append(f"<text x='10' y='{y}' font-size='12' fill='#555'>{escape(line)}</text>")
        y += 16
    for heading, groups in panels:
        y += 22
        parts.append(f"<text x='10' y='{y}' font-size='15' font-weight='bold'>{escape(heading)}</text>")
        top = max((value for _, rows in groups for _, value, _ in rows), default=0) or 1
        for label, rows in groups:
            y += 20
            parts.append(f"<text x='{LABEL_WIDTH - 110}' y='{y}' font-size='13'"
                         f" font-style='italic'>{escape(label)}</text>")
            y += 4
            for row_label, value, text in rows:
                colour = COLOURS.get(row_label, FALLBACK_COLOUR)
                length = max(1.0, BAR_AREA * value / top)
                weight = " font-weight='bold'" if row_label == "flask.py" else ""
                parts.append(
                    f"<text x='{LABEL_WIDTH}' y='{y + BAR - 2}' font-size='12'"
                    f" text-anchor='end'{weight}>{escape(row_label)}</text>"
                    f"<rect x='{LABEL_WIDTH + 6}' y='{y}' width='{length:.1f}' height='{BAR}'"
                    f" fill='{colour}'/>"
                    f"<text x='{LABEL_WIDTH + 12 + length:.1f}' y='{y + BAR - 2}'"
                    f" font-size='12'{weight}>{escape(text)}</text>")
                y += ROW
    y += 16
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' height='{y}'"
            f" viewBox='0 0 {WIDTH} {y}' {FONT}>"
            f"<rect width='100%' height='100%' fill='white'/>"
            + "".join(parts) + "</svg>\n")


def write(path, svg):
    with open(path, "w", encoding="utf-8") as f:
        f.write(svg)


# -- the in-process chart, from bench.py's report -----------------------------

def time_table(report):
    """``(frameworks, [(scenario, [µs, ...]), ...])`` from the report's
    "Time per request" table, the geometric mean last."""
    lines = report.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("## Time per request"))
    rows = []
    for line in lines[start + 1:]:
        if line.startswith("## "):
            break
        if line.startswith("|") and not re.match(r"^\|(-+\|)+$", line):
            rows.append([cell.strip().strip("*") for cell in line.strip().strip("|").split("|")])
    header, body = rows[0], rows[1:]
    return header[1:], [(cells[0], [float(value) for value in cells[1:]]) for cells in body]


def in_process_chart(report_path, svg_path):
    """Draw the time-per-request table of a bench.py report."""
    with open(report_path, encoding="utf-8") as f:
        report = f.read()
    frameworks, table = time_table(report)
    heading = report.splitlines()[0].lstrip("# ")
    date = next((line[2:] for line in report.splitlines() if line.startswith("- Date:")), "")
    machine = next((line[2:] for line in report.splitlines() if line.startswith("- Machine:")), "")
    groups = [(scenario, [(name, value, f"{value:.1f} µs") for name, value in zip(frameworks, values)])
              for scenario, values in table]
    svg = bar_chart(
        f"Time per request, in process ({heading.split('(')[-1].rstrip(')')})",
        [f"CPU µs per request, median over the rounds: shorter is faster. {date}.",
         f"{machine}. From {os.path.basename(report_path)}."],
        [("Scenarios (bench.py)", groups)],
    )
    write(svg_path, svg)


def main():
    report_path = sys.argv[1]
    svg_path = os.path.splitext(report_path)[0] + ".svg"
    in_process_chart(report_path, svg_path)
    print(f"wrote {os.path.relpath(svg_path)}")


if __name__ == "__main__":
    main()
