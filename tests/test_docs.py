"""The README stays short and names every command; the module map (docs/MODULES.md) matches the package."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MODULES = ROOT / "docs" / "MODULES.md"
PACKAGE = ROOT / "egovsearch"


def module_map(text: str) -> list[str]:
    """Paths named by the module map: the code block under "### Module map".

    Each line is `NAME  description`, indented two spaces per level; a name ending in
    "/" is a folder holding the lines indented below it.
    """
    section = text.split("### Module map", 1)[1]
    block = section.split("```", 2)[1]
    paths: list[str] = []
    folders: list[str] = []  # the folder at each indentation level
    for line in block.splitlines()[1:]:  # [0] is the fence's info string (empty)
        if not line.strip():
            continue
        depth = (len(line) - len(line.lstrip(" "))) // 2
        name = line.split()[0]
        del folders[depth:]
        path = "/".join([*folders, name.rstrip("/")])
        paths.append(path)
        if name.endswith("/"):
            folders.append(name.rstrip("/"))
    return paths


def test_module_map_parser_reads_nesting() -> None:
    text = "### Module map\n```\npkg/\n  a.py   x\n  sub/   y\n    b.py  z\n  c.py  w\n```\n"
    assert module_map(text) == ["pkg", "pkg/a.py", "pkg/sub", "pkg/sub/b.py", "pkg/c.py"]


def test_readme_is_under_300_lines() -> None:
    assert len(README.read_text(encoding="utf-8").splitlines()) < 300


def test_module_map_names_only_paths_that_exist() -> None:
    paths = module_map(MODULES.read_text(encoding="utf-8"))
    assert paths[0] == "egovsearch"
    missing = [p for p in paths if not (ROOT / p).exists()]
    assert missing == []


def test_module_map_names_every_subpackage() -> None:
    named = set(module_map(MODULES.read_text(encoding="utf-8")))
    subpackages = sorted(
        str(init.parent.relative_to(ROOT)) for init in PACKAGE.rglob("__init__.py") if init.parent != PACKAGE
    )
    assert subpackages  # the layers exist
    assert [p for p in subpackages if p not in named] == []


def _commands() -> list[str]:
    """Command names from the real `--help` (a clean subprocess: the CLI as users run it)."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    out = subprocess.run(
        [sys.executable, "-m", "egovsearch", "--help"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
        stdin=subprocess.DEVNULL,
    ).stdout
    # The lines after "Commands:" up to the first blank line: "  name   description".
    section = out.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    names = [m.group(1) for line in section.splitlines() if (m := re.match(r"  ([a-z][a-z-]*)\s{2,}\S", line))]
    return names


def test_readme_names_every_command() -> None:
    commands = _commands()
    assert len(commands) >= 10  # parse, index, query, stats, show, sources, timeline, similar, export, doctor
    text = README.read_text(encoding="utf-8")
    assert [c for c in commands if f"egovsearch {c}" not in text] == []


def test_links_between_the_docs_resolve() -> None:
    docs = [README, *sorted((ROOT / "docs").glob("*.md"))]
    assert len(docs) >= 3  # README.md, docs/DESIGN.md, docs/PERFORMANCE.md
    broken = []
    for doc in docs:
        for target in re.findall(r"\]\(([^)#:\s]+)\)", doc.read_text(encoding="utf-8")):
            if not (doc.parent / target).exists():
                broken.append(f"{doc.relative_to(ROOT)}: {target}")
    assert broken == []
