"""Configuration: discovery, validation, and errors that name the key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from guardrail.config import GuardrailConfig, find_config_file, load_config, parse_config
from guardrail.errors import ConfigError
from guardrail.findings import Severity


def test_defaults_fail_closed() -> None:
    config = GuardrailConfig()
    assert config.fail_open is False
    assert config.severity_for("GR201", Severity.HIGH) is Severity.HIGH


def test_full_table_parses() -> None:
    config = parse_config(
        {
            "fail-open": True,
            "severity": {"GR202": "off", "GR204": "high"},
            "allow": [
                {
                    "dataset": "org/tweets",
                    "reason": "licensed from X under contract",
                    "expires": "2027-01-31",
                },
                {"path": "data/legacy", "reason": "audited", "rules": ["GR202"]},
            ],
            "warnings-as-errors": ["social"],
            "sample-rows": 500,
        },
        where="pyproject.toml",
    )
    assert config.fail_open is True
    assert config.severity_for("GR202", Severity.LOW) is None
    assert config.severity_for("GR204", Severity.MEDIUM) is Severity.HIGH
    assert config.allow[0].expires == dt.date(2027, 1, 31)
    assert config.allow[1].rules == ("GR202",)
    assert config.warnings_as_errors == ("social",)
    assert config.sample_rows == 500


@pytest.mark.parametrize(
    ("table", "names"),
    [
        ({"fail_open": True}, "'fail_open'"),
        ({"fail-open": "yes"}, "'fail-open'"),
        ({"severity": {"GR999": "off"}}, "'severity.GR999'"),
        ({"severity": {"GR201": "critical"}}, "'severity.GR201'"),
        ({"allow": [{"dataset": "org/x"}]}, "'allow[0].reason'"),
        ({"allow": [{"dataset": "org/x", "reason": "  "}]}, "'allow[0].reason'"),
        ({"allow": [{"dataset": "org/x", "path": "p", "reason": "r"}]}, "'allow[0]'"),
        ({"allow": [{"dataset": "org/x", "reason": "r", "expires": "soon"}]}, "'allow[0].expires'"),
        ({"allow": [{"dataset": "org/x", "reason": "r", "owner": "me"}]}, "'allow[0].owner'"),
        ({"sample-rows": 0}, "'sample-rows'"),
        ({"sample-rows": True}, "'sample-rows'"),
        ({"hub-timeout": -1}, "'hub-timeout'"),
        ({"hub-timeout": float("inf")}, "'hub-timeout'"),
        ({"hub-timeout": float("nan")}, "'hub-timeout'"),
        ({"severity": {"GR201": ["off"]}}, "'severity.GR201'"),
        ({"known-x-datasets": [{"dataset": "org/x"}]}, "'known-x-datasets[0].evidence'"),
        ({"allow": [{"path": "", "reason": "r"}]}, "'allow[0].path'"),
        ({"allow": [{"path": "./", "reason": "r"}]}, "'allow[0].path'"),
        ({"allow": [{"path": "/", "reason": "r"}]}, "'allow[0].path'"),
    ],
)
def test_bad_config_names_the_key(table: dict[str, object], names: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(table, where="guardrail.toml")
    assert names in str(err.value)
    assert "guardrail.toml" in str(err.value)


def test_discovers_pyproject_table_upwards(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.guardrail]\nfail-open = true\n")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert find_config_file(nested) == tmp_path / "pyproject.toml"
    assert load_config(start=nested).fail_open is True


def test_pyproject_without_table_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert find_config_file(tmp_path) is None
    assert load_config(start=tmp_path) == GuardrailConfig()


def test_guardrail_toml_top_level_table(tmp_path: Path) -> None:
    path = tmp_path / "guardrail.toml"
    path.write_text('fail-open = true\n[[allow]]\npath = "x"\nreason = "ok"\n')
    config = load_config(path)
    assert config.fail_open is True
    assert config.allow[0].path == "x"


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "guardrail.toml"
    path.write_text("fail-open = \n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(path)


@pytest.mark.parametrize("tool", ["5", '"guardrail"', "[1, 2]"])
def test_a_tool_key_that_is_not_a_table_is_skipped_in_discovery_and_named_when_given(
    tmp_path: Path, tool: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(f"tool = {tool}\n")
    assert find_config_file(tmp_path) is None
    assert load_config(start=tmp_path) == GuardrailConfig()
    with pytest.raises(ConfigError, match="`tool` must be a table"):
        load_config(tmp_path / "pyproject.toml")


def test_a_folder_given_as_the_config_is_named_as_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a folder"):
        load_config(tmp_path)
