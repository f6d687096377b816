"""The house keeps its shape: apps import only the layers below them (DESIGN.md, “Layers”).

The contracts live in pyproject.toml (``[tool.importlinter]``); this runs them in the suite, so
an import upwards fails the tests as well as ``make lint``. A second check finds imports hidden
inside functions, the usual way round a cycle that the layers should have prevented.
"""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "accounts",
    "lessons",
    "classroom",
    "discussions",
    "annotations",
    "pages",
    "privacy",
    "site_config",
]


def test_apps_import_only_the_layers_below_them():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and " 0 broken" in result.stdout


def _function_imports(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom) and (
                node.level or (node.module or "").split(".")[0] in APPS
            ):
                yield function.name, node.lineno


def test_no_first_party_import_hides_inside_a_function():
    # AppConfig.ready() is where Django wants signal wiring imported; nowhere else needs it.
    found = [
        f"{path.relative_to(ROOT)}:{line} in {name}()"
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        for name, line in _function_imports(path)
        if name != "ready"
    ]
    assert found == []
