"""The import paths users already have keep working whatever the layout inside the package."""

from __future__ import annotations

import importlib
import subprocess
import sys

import guardrail


def test_package_attributes_resolve() -> None:
    for name in guardrail.__all__:
        assert getattr(guardrail, name) is not None, name
    assert guardrail.check is importlib.import_module("guardrail.engine").check
    assert guardrail.scan_dataset is importlib.import_module("guardrail.integrations.datasets").scan_dataset
    assert guardrail.load_dataset is importlib.import_module("guardrail.integrations.datasets").load_dataset
    transformers_integration = importlib.import_module("guardrail.integrations.transformers")
    assert guardrail.GuardrailCallback is transformers_integration.GuardrailCallback


def test_ray_integration_keeps_its_public_functions() -> None:
    ray_integration = importlib.import_module("guardrail.integrations.ray")
    for name in (
        "RayNotInstalledError",
        "dataset_evidence",
        "display_relative_to",
        "filter_dataset",
        "read_json",
        "read_parquet",
        "require_ray",
        "scan_dataset",
        "scan_files",
        "scan_huggingface",
    ):
        assert callable(getattr(ray_integration, name)), name


def test_import_guardrail_and_the_cli_stay_light() -> None:
    # `import guardrail` (and the CLI's check path) must not pull in torch, transformers or ray.
    code = (
        "import sys, guardrail, guardrail.cli, guardrail.engine, guardrail.integrations.transformers;"
        "print(sorted(m for m in ('torch', 'transformers', 'ray') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
