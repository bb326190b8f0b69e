"""`[tool.guardrail]` in pyproject.toml, or guardrail.toml: a frozen, validated config.

Unknown keys and bad values raise `ConfigError` naming the file and the key, so a typo
never silently turns a check off.
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guardrail.errors import ConfigError
from guardrail.findings import Severity
from guardrail.rules import RULE_IDS

CONFIG_FILES = ("guardrail.toml", "pyproject.toml")
OFF = "off"


@dataclass(frozen=True)
class AllowEntry:
    """An allowlist entry: a dataset (Hub ID) or a path, with a required reason.

    `rules` limits it to some rule IDs; empty means every rule. An entry past `expires`
    stops suppressing and is reported.
    """

    reason: str
    dataset: str | None = None
    path: str | None = None
    revision: str | None = None
    expires: dt.date | None = None
    rules: tuple[str, ...] = ()

    @property
    def subject(self) -> str:
        return self.dataset or self.path or "?"

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and today > self.expires


@dataclass(frozen=True)
class KnownDataset:
    """A user-supplied knowledge-base entry: a dataset known to hold X content."""

    dataset: str
    evidence: str
    source: str = "project configuration"
    configs: tuple[str, ...] = ()


@dataclass(frozen=True)
class GuardrailConfig:
    """Every setting guardrail reads. Build with `load_config()` or directly in code.

    Args:
        allow: Allowlist entries.
        severity: Per-rule overrides: rule ID -> "high" | "medium" | "low" | "off".
        fail_open: If True, targets that could not be checked do not block.
        warnings_as_errors: Promote warn verdicts to block (True for all configs, or a
            tuple of dataset config names).
        sample_rows: Rows to sample when a dataset is too large to scan fully.
        full_scan_max_bytes: Scan everything when the data is at most this big.
        seed: Seed for deterministic sampling.
        hub_timeout: Seconds before a Hub request is abandoned.
        target_timeout: Seconds one target may take in all (card, metadata, lineage, records)
            before it is reported as not checked; bounds servers that answer byte by byte.
        lineage_depth: How many `source_datasets` levels to follow upstream.
        known_x_datasets: Extra knowledge-base entries.
        scan_records: Whether to read records at all (the CLI's `--no-records`).
        cache: Reuse record scans of the same data under the same rules (the CLI's
            `--no-cache` turns it off; see `guardrail.cache`).
        exclude: Glob patterns of targets and folder files not to check (`--exclude`).
        baseline: Fingerprints of known findings (`--baseline FILE`): reported as known,
            they do not fail the run.
        source: The file the config came from, for messages.
    """

    allow: tuple[AllowEntry, ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)
    fail_open: bool = False
    warnings_as_errors: bool | tuple[str, ...] = False
    sample_rows: int = 10_000
    full_scan_max_bytes: int = 256 * 1024 * 1024
    seed: int = 0
    hub_timeout: float = 10.0
    target_timeout: float = 900.0
    lineage_depth: int = 5
    known_x_datasets: tuple[KnownDataset, ...] = ()
    scan_records: bool = True
    cache: bool = True
    exclude: tuple[str, ...] = ()
    baseline: frozenset[str] = frozenset()
    source: str | None = None

    def __hash__(self) -> int:
        return hash((self.allow, tuple(sorted(self.severity.items())), self.fail_open, self.source))

    def severity_for(self, rule_id: str, default: Severity) -> Severity | None:
        """The severity a rule's findings take after overrides; None if turned off."""
        value = self.severity.get(rule_id)
        if value is None:
            return default
        return None if value == OFF else Severity(value)


_TOP_KEYS = {
    "allow",
    "severity",
    "fail-open",
    "warnings-as-errors",
    "sample-rows",
    "full-scan-max-bytes",
    "seed",
    "hub-timeout",
    "target-timeout",
    "lineage-depth",
    "known-x-datasets",
    "scan-records",
    "cache",
    "exclude",
}
_ALLOW_KEYS = {"dataset", "path", "revision", "reason", "expires", "rules"}
_KNOWN_KEYS = {"dataset", "evidence", "source", "configs"}


def _fail(where: str, key: str, problem: str) -> ConfigError:
    return ConfigError(f"{where}: [tool.guardrail] key '{key}': {problem}")


def _expect(where: str, key: str, value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if isinstance(value, bool) and kind in (int, float, (int, float)):
        raise _fail(where, key, f"expected {what}, got {value!r}")
    if not isinstance(value, kind):
        raise _fail(where, key, f"expected {what}, got {value!r}")
    return value


def _positive(where: str, key: str, value: Any, kind: type | tuple[type, ...] = int) -> Any:
    _expect(where, key, value, kind, "a positive number")
    if not 0 < value < math.inf:  # TOML allows inf and nan: an unbounded timeout is no bound
        raise _fail(where, key, f"expected a positive number, got {value!r}")
    return value


def _str_list(where: str, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(where, key, f"expected a list of strings, got {value!r}")
    return tuple(value)


def _table(where: str, key: str, raw: Any, allowed: set[str], what: str) -> None:
    """Check that an array-of-tables entry is a table with only known keys."""
    if not isinstance(raw, dict):
        raise _fail(where, key, f"expected {what}")
    unknown = set(raw) - allowed
    if unknown:
        raise _fail(
            where, f"{key}.{sorted(unknown)[0]}", f"unknown key (allowed: {', '.join(sorted(allowed))})"
        )


def _allow_entry(where: str, i: int, raw: Any) -> AllowEntry:
    key = f"allow[{i}]"
    _table(where, key, raw, _ALLOW_KEYS, "a table with dataset/path, reason and optional expires")
    reason = raw.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise _fail(where, f"{key}.reason", "every allowlist entry needs a non-empty reason")
    if ("dataset" in raw) == ("path" in raw):
        raise _fail(where, key, "give exactly one of 'dataset' or 'path'")
    expires = raw.get("expires")
    if expires is not None:
        if isinstance(expires, str):
            try:
                expires = dt.date.fromisoformat(expires)
            except ValueError:
                raise _fail(where, f"{key}.expires", f"expected a date YYYY-MM-DD, got {expires!r}") from None
        elif isinstance(expires, dt.datetime):
            expires = expires.date()
        elif not isinstance(expires, dt.date):
            raise _fail(where, f"{key}.expires", f"expected a date YYYY-MM-DD, got {expires!r}")
    for k in ("dataset", "path", "revision"):
        if k in raw:
            _expect(where, f"{key}.{k}", raw[k], str, "a string")
    # A path entry covers its folder and everything below it: "" or "." would allow the whole
    # project (every dataset in it, present and future), which no reason can justify per dataset.
    if "path" in raw and raw["path"].strip().rstrip("/") in ("", ".", "~"):
        raise _fail(
            where,
            f"{key}.path",
            f"{raw['path']!r} would allow every target in the project; name the dataset's folder or file",
        )
    return AllowEntry(
        reason=reason.strip(),
        dataset=raw.get("dataset"),
        path=raw.get("path"),
        revision=raw.get("revision"),
        expires=expires,
        rules=_str_list(where, f"{key}.rules", raw["rules"]) if "rules" in raw else (),
    )


def _known_entry(where: str, i: int, raw: Any) -> KnownDataset:
    key = f"known-x-datasets[{i}]"
    _table(where, key, raw, _KNOWN_KEYS, "a table with dataset and evidence")
    for k in ("dataset", "evidence"):
        if not isinstance(raw.get(k), str) or not raw[k].strip():
            raise _fail(where, f"{key}.{k}", "required, a non-empty string")
    return KnownDataset(
        dataset=raw["dataset"],
        evidence=raw["evidence"],
        source=str(raw.get("source", "project configuration")),
        configs=_str_list(where, f"{key}.configs", raw["configs"]) if "configs" in raw else (),
    )


def parse_config(table: Mapping[str, Any], where: str = "<config>") -> GuardrailConfig:
    """Validate a `[tool.guardrail]` table.

    Raises:
        ConfigError: on an unknown key or a bad value, naming `where` and the key.
    """
    unknown = set(table) - _TOP_KEYS
    if unknown:
        raise _fail(where, sorted(unknown)[0], f"unknown key (known: {', '.join(sorted(_TOP_KEYS))})")
    severity: dict[str, str] = {}
    raw_sev = table.get("severity", {})
    if not isinstance(raw_sev, dict):
        raise _fail(where, "severity", "expected a table of RULE_ID = 'high'|'medium'|'low'|'off'")
    allowed = {s.value for s in Severity} | {OFF}
    for rule_id, value in raw_sev.items():
        if rule_id not in RULE_IDS:
            raise _fail(where, f"severity.{rule_id}", "no such rule (see `guardrail rules`)")
        if not isinstance(value, str) or value not in allowed:
            raise _fail(where, f"severity.{rule_id}", f"expected one of {sorted(allowed)}, got {value!r}")
        severity[rule_id] = value
    raw_allow = table.get("allow", [])
    if not isinstance(raw_allow, list):
        raise _fail(where, "allow", "expected an array of tables ([[tool.guardrail.allow]])")
    raw_known = table.get("known-x-datasets", [])
    if not isinstance(raw_known, list):
        raise _fail(where, "known-x-datasets", "expected an array of tables")
    wae = table.get("warnings-as-errors", False)
    if not isinstance(wae, bool):
        wae = _str_list(where, "warnings-as-errors", wae)
    defaults = GuardrailConfig()
    return GuardrailConfig(
        allow=tuple(_allow_entry(where, i, e) for i, e in enumerate(raw_allow)),
        severity=severity,
        fail_open=_expect(where, "fail-open", table.get("fail-open", False), bool, "true or false"),
        warnings_as_errors=wae,
        sample_rows=_positive(where, "sample-rows", table.get("sample-rows", defaults.sample_rows)),
        full_scan_max_bytes=_positive(
            where, "full-scan-max-bytes", table.get("full-scan-max-bytes", defaults.full_scan_max_bytes)
        ),
        seed=_expect(where, "seed", table.get("seed", 0), int, "an integer"),
        hub_timeout=float(
            _positive(where, "hub-timeout", table.get("hub-timeout", defaults.hub_timeout), (int, float))
        ),
        target_timeout=float(
            _positive(
                where, "target-timeout", table.get("target-timeout", defaults.target_timeout), (int, float)
            )
        ),
        lineage_depth=_positive(where, "lineage-depth", table.get("lineage-depth", defaults.lineage_depth)),
        known_x_datasets=tuple(_known_entry(where, i, e) for i, e in enumerate(raw_known)),
        scan_records=_expect(where, "scan-records", table.get("scan-records", True), bool, "true or false"),
        cache=_expect(where, "cache", table.get("cache", True), bool, "true or false"),
        exclude=_str_list(where, "exclude", table["exclude"]) if "exclude" in table else (),
        source=where,
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        # TOML is UTF-8 by definition; a binary or Latin-1 file must not end in a traceback.
        raise ConfigError(f"{path}: not a UTF-8 text file (invalid byte at offset {exc.start})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def find_config_file(start: Path | None = None) -> Path | None:
    """The nearest guardrail.toml, or pyproject.toml with a [tool.guardrail] table."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name == "guardrail.toml":
                return candidate
            tool = _read_toml(candidate).get("tool")
            if isinstance(tool, dict) and "guardrail" in tool:  # `tool = 5` holds no table of ours
                return candidate
    return None


def load_config(path: str | Path | None = None, *, start: Path | None = None) -> GuardrailConfig:
    """Load the configuration from `path`, or discover it from `start` (default: cwd).

    guardrail.toml holds the table at top level (or under [tool.guardrail]);
    pyproject.toml under [tool.guardrail]. With no file, defaults apply (fail closed).

    Raises:
        ConfigError: if the file cannot be read or holds an invalid setting.
    """
    file = Path(path) if path is not None else find_config_file(start)
    if file is None:
        return GuardrailConfig()
    if file.is_dir():
        raise ConfigError(f"{file}: is a folder; give the path of a guardrail.toml or pyproject.toml")
    if not file.is_file():
        raise ConfigError(f"{file}: configuration file not found")
    doc = _read_toml(file)
    tool = doc.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{file}: `tool` must be a table ([tool.guardrail]), not {type(tool).__name__}")
    table = tool.get("guardrail")
    if table is None:
        table = {} if file.name == "pyproject.toml" else doc
    if not isinstance(table, dict):
        raise ConfigError(f"{file}: [tool.guardrail] must be a table")
    return parse_config(table, where=str(file))
