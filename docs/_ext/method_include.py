"""The ``method-include`` directive: ``literalinclude`` of methods of a
class, shown under the line that opens their class, with a ``# ...`` line
for the class's lines in between:

.. code-block:: python

   class FlaskrTestCase(unittest.TestCase):
       # ...

       def test_empty_db(self):
           ...

An indented method on its own does not say where it goes; with the class
line, a reader sees it is a method, and of which class. The lines are
chosen as ``literalinclude`` chooses them: one method with
``:pyobject: Class.method``, or a run of methods with ``:start-at:`` and
``:end-before:`` and the class named by ``:class:``.
"""
import re
from pathlib import Path

from docutils.parsers.rst import directives
from sphinx.directives.code import LiteralInclude


class MethodInclude(LiteralInclude):
    """``.. method-include:: path``, with the options of literalinclude
    and ``:class:``."""

    option_spec = dict(LiteralInclude.option_spec, **{"class": directives.unchanged_required})

    def run(self):
        name = (self.options.get("class")
                or self.options.get("pyobject", "").partition(".")[0])
        _, path = self.env.relfn2path(self.arguments[0])
        source = Path(path).read_text(encoding=self.options.get("encoding", "utf-8"))
        opening = re.search(rf"^class {re.escape(name)}\b.*$", source, re.M) if name else None
        if opening is None:
            raise self.error(f"no class {name!r} in {path}")
        # The indentation of the class's body, for the "# ..." line.
        body = re.compile(r"^([ \t]+)\S", re.M).search(source, opening.end())
        # literalinclude puts the text of :prepend: and a line break above
        # the chosen lines.
        self.options["prepend"] = f"{opening.group()}\n{body.group(1)}# ...\n"
        return super().run()


def setup(app):
    app.add_directive("method-include", MethodInclude)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
