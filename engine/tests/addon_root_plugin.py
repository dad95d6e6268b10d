"""Pytest plugin: run the engine tests from the addon checkout without Odoo.

The repository root is the Odoo addon package and its ``__init__.py`` imports
``odoo``. pytest imports every package on the way to a test file (the root
included), so this plugin registers a stand-in module for the root package
first: it has the right ``__path__``, so ``<root>.engine`` still loads the
real files, but it runs none of the root's code.

Enable it in the repository's ``pyproject.toml``::

    [tool.pytest.ini_options]
    addopts = "-p engine.tests.addon_root_plugin"

and run ``python3 -m pytest engine`` from the repository root.
"""

import sys
import types
from pathlib import Path

import pytest

ADDON_ROOT = Path(__file__).resolve().parents[2]


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    """Register the stand-in before pytest imports any conftest or test module."""
    init_file = ADDON_ROOT / "__init__.py"
    name = ADDON_ROOT.name
    if not init_file.is_file() or not name.isidentifier() or name in sys.modules:
        return
    stand_in = types.ModuleType(name, "Stand-in for the Odoo addon package (engine tests only)")
    stand_in.__file__ = str(init_file)
    stand_in.__path__ = [str(ADDON_ROOT)]
    stand_in.__package__ = name
    sys.modules[name] = stand_in
