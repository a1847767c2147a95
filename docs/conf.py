"""Sphinx configuration for ember's documentation (built by tests/test_docs.py)."""
import os
import sys

sys.path.insert(0, os.path.abspath(".."))
sys.path.insert(0, os.path.abspath("."))

project = "ember"
author = "the ember contributors"
copyright = "2026, the ember contributors"
extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon"]
napoleon_google_docstring = True
napoleon_numpy_docstring = False
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "undoc-members": True, "show-inheritance": False}
exclude_patterns = ["_build"]
html_theme = "alabaster"
suppress_warnings = ["autodoc", "docutils", "ref", "toc.not_included", "duplicate_declaration"]


def _coverage(app):
    """Write the coverage table (ember's namespaces against torch's) when torch is installed."""
    import coverage_table
    coverage_table.write(os.path.join(app.srcdir, "coverage.rst"))


def setup(app):
    app.connect("builder-inited", _coverage)
