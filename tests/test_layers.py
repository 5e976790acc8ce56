"""The pipeline's folders depend one way: render/ never imports from write/ (the
writers use what render/ makes, never the other way round)."""

from __future__ import annotations

import ast

from tests.conftest import ROOT


def _imports(path: object) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == 2:  # from ..x: octavo.x
                module = f"octavo.{module}" if module else "octavo"
            found += [module] + [f"{module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    return found


def test_render_never_imports_from_write() -> None:
    offending = {
        path.name: name
        for path in sorted((ROOT / "src" / "octavo" / "render").rglob("*.py"))
        for name in _imports(path)
        if name == "octavo.write" or name.startswith("octavo.write.")
    }
    assert offending == {}
