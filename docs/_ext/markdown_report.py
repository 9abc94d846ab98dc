"""The ``markdown-report`` directive: shows a report that a script wrote
in a small subset of Markdown (the benchmark's results) as the page's own
headings, lists, paragraphs and tables, instead of as a block of source.

A literal block would keep the report's lines as they are, and a table
row of the report is a few hundred characters long. As HTML the tables
wrap their cells, and a table wider than the page scrolls sideways in
its own box (_static/custom.css).

The subset is what ``benchmarks/bench.py`` writes:

* ``# Title`` and ``## Heading`` lines, shown as rubrics (headings that
  do not start sections of the page);
* ``- item`` lines, a bullet list (a line indented by two spaces goes on
  with the item above);
* rows of ``| cell | cell |``, the first one the table's header, the
  second the ``|---|---|`` line under it;
* other lines, paragraphs, separated by blank lines;
* in any text, code spans between backticks and bold parts between
  double asterisks.

Anything else is shown as plain text, never interpreted as markup.
"""
import re
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

INLINE = re.compile(r"`([^`]+)`|\*\*(.+?)\*\*")
SEPARATOR_ROW = re.compile(r"^\|(\s*:?-+:?\s*\|)+\s*$")


def inline(text):
    """Text nodes for ``text``, with its code spans and bold parts."""
    parts, position = [], 0
    for match in INLINE.finditer(text):
        if match.start() > position:
            parts.append(nodes.Text(text[position:match.start()]))
        code, bold = match.groups()
        if code is not None:
            parts.append(nodes.literal(code, code))
        else:
            parts.append(nodes.strong(bold, bold))
        position = match.end()
    if position < len(text):
        parts.append(nodes.Text(text[position:]))
    return parts


def cells(line):
    """The cells of a table row ``| a | b |``."""
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def table(rows):
    """A table whose first row is the header."""
    header, body = rows[0], rows[1:]
    width = max(len(row) for row in rows)
    group = nodes.tgroup(cols=width)
    group += [nodes.colspec(colwidth=1) for _ in range(width)]

    def row(values):
        row = nodes.row()
        for value in values + [""] * (width - len(values)):
            row += nodes.entry("", nodes.paragraph("", "", *inline(value)))
        return row

    group += nodes.thead("", row(header))
    group += nodes.tbody("", *[row(values) for values in body])
    return nodes.table("", group)


def blocks(lines):
    """Group the report's lines into (kind, lines) blocks."""
    found = []
    for line in lines:
        if not line.strip():
            found.append(("blank", []))
            continue
        if line.startswith("#"):
            kind = "heading"
        elif line.startswith("|"):
            kind = "table"
        elif line.startswith("- "):
            kind = "item"
        elif line.startswith("  ") and found and found[-1][0] == "item":
            found[-1][1].append(line.strip())
            continue
        else:
            kind = "paragraph"
        if kind in ("table", "paragraph") and found and found[-1][0] == kind:
            found[-1][1].append(line.strip())
        else:
            found.append((kind, [line.strip()]))
    return [block for block in found if block[0] != "blank"]


def report_nodes(text):
    """The document nodes of a whole report."""
    result = []
    for kind, lines in blocks(text.splitlines()):
        joined = " ".join(lines)
        if kind == "heading":
            title = joined.lstrip("#").strip()
            result.append(nodes.rubric(title, "", *inline(title)))
        elif kind == "item":
            item = nodes.list_item("", nodes.paragraph("", "", *inline(joined[2:])))
            if result and isinstance(result[-1], nodes.bullet_list):
                result[-1] += item
            else:
                result.append(nodes.bullet_list("", item, bullet="-"))
        elif kind == "table":
            rows = [cells(line) for line in lines if not SEPARATOR_ROW.match(line)]
            result.append(table(rows))
        else:
            result.append(nodes.paragraph("", "", *inline(joined)))
    return result


class MarkdownReport(SphinxDirective):
    """``.. markdown-report:: path``, relative to the page's source."""

    required_arguments = 1

    def run(self):
        relative, path = self.env.relfn2path(self.arguments[0])
        self.env.note_dependency(relative)
        return report_nodes(Path(path).read_text(encoding="utf-8"))


def setup(app):
    app.add_directive("markdown-report", MarkdownReport)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
