"""Packaging entry point for flask.py. Everything (name, version from
flask.__version__, dependencies, files) is declared in pyproject.toml."""
from setuptools import setup

setup()
