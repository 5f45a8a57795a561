"""The core stays free of front-end packages; one-shot commands stay lean."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import searchkit

FRONT_END = {"click", "prompt_toolkit", "tqdm", "pygments"}
PACKAGE = Path(searchkit.__file__).parent
FRONT_END_MODULES = {"cli.py", "launch.py", "__main__.py", "term", "shell"}
CORE = [p for p in PACKAGE.rglob("*.py") if not FRONT_END_MODULES & {p.name, *p.relative_to(PACKAGE).parts}]


def loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return set(output.split())


def test_importing_and_using_the_api_loads_no_front_end(pages_index):
    code = f"import searchkit\nwith searchkit.open_index({str(pages_index)!r}) as ix: ix.search('ferry')"
    assert loaded_after(code) & FRONT_END == set()


def test_core_modules_do_not_import_front_ends():
    for path in CORE:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in FRONT_END, f"{path.name} imports {name}"
            if isinstance(node, ast.ImportFrom) and node.level and node.module:
                assert node.module.split(".")[0] not in {"cli", "term", "shell"}, f"{path.name} imports .{node.module}"


def test_one_shot_query_does_not_load_the_shell(pages_index):
    code = (
        "import sys\nfrom searchkit.cli import main\n"
        f"try:\n    main(['query', 'ferry', '--index', {str(pages_index)!r}])\nexcept SystemExit:\n    pass"
    )
    assert "prompt_toolkit" not in loaded_after(code)


def test_every_core_module_has_a_docstring():
    for path in PACKAGE.rglob("*.py"):
        if path.name == "__main__.py" or path.stat().st_size == 0:
            continue
        assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), f"{path} has no module docstring"


def test_dask_is_loaded_only_by_a_build_that_asks_for_it(tmp_path):
    pages = Path(__file__).parent / "data" / "pages"
    code = (
        "import searchkit\nfrom searchkit.cli import main\n"
        f"searchkit.build_index([{str(pages)!r}], {str(tmp_path / 'ix')!r})\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass"
    )
    assert loaded_after(code) & {"dask", "distributed"} == set()
