"""Rich has one home: egovsearch/output/terminal.py (issue 13). Read from the
source with the AST, so an import inside a function, or only for typing, counts."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "egovsearch"


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) of every import in the tree, at any depth."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _rich_importers() -> dict[str, list[int]]:
    importers: dict[str, list[int]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = [n for n, mod in _imports(ast.parse(path.read_text(encoding="utf-8"))) if mod.split(".")[0] == "rich"]
        if lines:
            importers[path.relative_to(PACKAGE.parent).as_posix()] = lines
    return importers


def test_the_scan_sees_imports_at_any_depth() -> None:
    tree = ast.parse("def f():\n    if x:\n        from rich.table import Table\nimport rich\n")
    assert sorted(_imports(tree)) == [(3, "rich.table"), (4, "rich")]


def test_only_the_output_package_imports_rich() -> None:
    outside = {p: lines for p, lines in _rich_importers().items() if not p.startswith("egovsearch/output/")}
    assert outside == {}


def test_within_output_only_terminal_draws_with_rich() -> None:
    assert list(_rich_importers()) == ["egovsearch/output/terminal.py"]


def test_terminal_imports_rich_only_inside_functions() -> None:
    """Importing the module stays cheap: the colourless paths (stats lines, article
    text, the chart in a pipe) never load Rich."""
    tree = ast.parse((PACKAGE / "output" / "terminal.py").read_text(encoding="utf-8"))
    top = [m for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))  # (not `if TYPE_CHECKING:`)
           for _, m in _imports(node)]
    assert "egovsearch.core.models" in top  # the scan reads the module's own imports
    assert [m for m in top if m.split(".")[0] == "rich"] == []
