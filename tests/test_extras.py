"""Optional extras: importing what needs one that is missing names the extra to install."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def _import_without(module: str, statement: str) -> subprocess.CompletedProcess[str]:
    # sys.modules[name] = None makes `import name` fail as if it were not installed.
    code = f"import sys; sys.modules[{module!r}] = None\n{statement}"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_callback_without_transformers_names_the_extra() -> None:
    result = _import_without("transformers", "from guardrail import GuardrailCallback")
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: guardrail.GuardrailCallback needs")
    assert "pip install 'x-content-guardrail[transformers]'" in last


def test_core_and_cli_import_without_the_extras() -> None:
    code = "import guardrail, guardrail.cli, guardrail.engine; guardrail.check; print('ok')"
    for missing in ("transformers", "torch", "ray"):
        result = _import_without(missing, code)
        assert result.stdout.strip() == "ok", result.stderr


def test_every_declared_extra_is_used() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    source = "\n".join(p.read_text() for p in (ROOT / "guardrail").rglob("*.py"))
    imports = {"transformers": "transformers", "ray": "ray", "dev": None}
    assert set(extras) == set(imports)
    for extra, module in imports.items():
        if module is not None:
            assert f"import {module}" in source or f"from {module}" in source, extra


def _check_loads(args: list[str], modules: tuple[str, ...]) -> tuple[int, list[str]]:
    """The exit code of `guardrail ARGS` in a new interpreter, and which of `modules` it imported."""
    code = (
        "import json, sys\nfrom guardrail.cli import main\n"
        f"code = main({args!r})\n"
        f"print(json.dumps([code, sorted(m for m in {modules!r} if m in sys.modules)]))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    exit_code, loaded = json.loads(result.stdout.strip().splitlines()[-1])
    return exit_code, loaded


def test_a_card_check_loads_no_arrow(tmp_path: Path) -> None:
    # The pre-commit hook checks README.md on every commit: start-up time is the cost.
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: mit\n---\n# Notes\n\nGarden notes.\n")
    code, loaded = _check_loads(["check", str(card)], ("pyarrow", "numpy", "hyperscan", "datasets"))
    assert (code, loaded) == (0, [])


@pytest.mark.parametrize("name", ["x.jsonl", "x.csv", "x.txt", "x.parquet"])
def test_a_data_file_check_loads_no_pandas(tmp_path: Path, name: str) -> None:
    # pyarrow imports pandas the first time it is handed a Python value or asked for numpy
    # (0.4-0.7 s, most of a small file's check); the scan builds its arrays from buffers.
    path = tmp_path / name
    rows = [("see https://t.co/AbCdEf1234", 1227261586521382913), ("plain words", 2)]
    if name.endswith(".parquet"):
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({"text": [r[0] for r in rows], "id": [r[1] for r in rows]}), path)
    elif name.endswith(".csv"):
        path.write_text("text,id\n" + "".join(f"{t},{i}\n" for t, i in rows) + "ragged,1,2\n")
    elif name.endswith(".txt"):
        path.write_text("".join(f"{t}\n" for t, _ in rows))
    else:
        path.write_text("".join(json.dumps({"text": t, "id": i}) + "\n" for t, i in rows))
    code, loaded = _check_loads(["check", "--no-cache", str(path)], ("pandas",))
    assert (code, loaded) == (1, [])
