"""The benchmark applications for Flask 3.1: the code of project.py, run on
Flask 3.1 (this module's ``flask`` is whichever the worker's virtualenv
holds). project.py uses only what Flask 0.1 documented, ``route`` with
``methods=`` and ``add_url_rule`` with ``view_functions``, and Flask 3.1
still documents all of it; its shorthands ``app.post`` and
``add_url_rule(..., view_func)`` build the same rules, so Flask 3.1 serves
these applications exactly as it would serve them written that way.

Importing this module imports the framework and nothing else.
"""
from .project import (  # noqa: F401  (the worker finds them here)
    args_app,
    form_app,
    hello_app,
    routes_app,
    session_app,
    template_app,
    template_string_app,
)
