"""Layering rules of DESIGN §3 and packaging: resources found from a checkout and a wheel."""

from __future__ import annotations

import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import st2desk

ROOT = Path(__file__).resolve().parent.parent


def test_import_linter_contracts_hold():
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    result = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_everything_outside_ui_imports_without_qt():
    """napari's headless check: PySide6 made unimportable, every non-UI module still loads."""
    modules = [m.name for m in pkgutil.walk_packages(st2desk.__path__, "st2desk.")
               if not m.name.startswith(("st2desk.ui", "st2desk.migrations."))
               and m.name != "st2desk.__main__"]
    code = (
        "import sys, importlib\n"
        "sys.modules['PySide6'] = None\nsys.modules['shiboken6'] = None\n"
        f"for name in {modules!r}:\n    importlib.import_module(name)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_resources_found_from_the_checkout():
    from st2desk.resources import resources_dir

    assert (resources_dir() / "reference" / "cie10.csv").is_file()


def test_wheel_carries_resources_translations_and_migrations(tmp_path):
    """Build the wheel, install it apart from the checkout, and initialise a database."""
    wheel_dir = tmp_path / "wheel"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                            str(wheel_dir), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    wheel = next(wheel_dir.glob("st2desk-*.whl"))
    target = tmp_path / "site"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q",
                                "--target", str(target), str(wheel)],
                               capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr
    code = (
        "import st2desk, sys\n"
        "from st2desk.resources import resources_dir\n"
        f"assert st2desk.__file__.startswith({str(target)!r}), st2desk.__file__\n"
        f"assert str(resources_dir()).startswith({str(target)!r}), resources_dir()\n"
        "from st2desk.ui.i18n import qm_path\n"
        "from pathlib import Path\n"
        "assert Path(qm_path()).is_file(), qm_path()\n"
        "assert (resources_dir() / 'icons' / 'st2desk.svg').is_file()\n"
        "assert (resources_dir() / 'st2desk.desktop').is_file()\n"
        "from st2desk.cli import main\n"
        f"sys.exit(main(['--database', 'sqlite:///{tmp_path / 'w.sqlite3'}', 'init']))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "registros de catálogo nuevos" in run.stdout


@pytest.mark.parametrize("name", ["st2desk/ui", "st2desk/forms", "st2desk/pdf", "resources", "tests"])
def test_layout_of_the_design_card(name):
    assert (ROOT / name).is_dir()


def test_import_contract_covers_every_module_outside_ui():
    """A new module must be added to the import-linter contract (pyproject) to be checked."""
    import tomllib

    contract = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    listed = set(contract["contracts"][0]["source_modules"])
    top = {f"st2desk.{m.name}" for m in pkgutil.iter_modules(st2desk.__path__)
           if m.name not in ("ui", "migrations", "__main__")}
    assert top - listed == set()
