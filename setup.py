"""Packaging for flask.py, a single-module web microframework."""
import re
from pathlib import Path

from setuptools import setup

here = Path(__file__).parent
version = re.search(r'^__version__ = "([^"]+)"', (here / "flask.py").read_text(), re.M).group(1)

setup(
    name="Flask",
    version=version,
    description="A microframework based on Werkzeug and Jinja2, in one module.",
    long_description=(here / "README.md").read_text(),
    long_description_content_type="text/markdown",
    license="BSD-3-Clause",
    py_modules=["flask"],
    python_requires=">=3.9",
    install_requires=[
        "Werkzeug>=3.0,<4",
        "Jinja2>=3.1,<4",
        "itsdangerous>=2.1,<3",
    ],
    classifiers=[
        "Environment :: Web Environment",
        "Intended Audience :: Developers",
        "License :: OSI Approved :: BSD License",
        "Programming Language :: Python :: 3",
        "Topic :: Internet :: WWW/HTTP :: WSGI :: Application",
    ],
)
