"""Remember record scans, so the same data under the same rules is not scanned twice.

An entry is the *evidence* of a record scan (what the policy decides on), never a verdict: a
cached result is decided again under the current configuration each time, so allowlists and
severity overrides always apply as they are now. It is stored under
`$HF_HOME/guardrail/checks/` (next to the `datasets` and `hub` caches; `HF_HOME` and
`HF_HUB_CACHE` are read when the cache is used, not at import).

The key is everything the evidence depends on:

- the data's identity: a `datasets` fingerprint per split (what `datasets` itself keys its
  Arrow cache on, so the rows handed to training are the rows that were scanned), or, for a
  local file, its path, size, mtime and a SHA-256 of its bytes (the hash is the identity; the
  rest only names it), plus the dataset config and split names;
- for decoded token IDs, a digest of the tokenizer that decoded them;
- guardrail's version, a digest of the packaged knowledge files, and a digest of the
  effective `GuardrailConfig` (sampling, seed, user knowledge entries... all of it).

Never stored: evidence with a could-not-check problem (an `error` is retried, never replayed
as a pass). Entries are checked on read (format, the full key, a digest of the body); an entry
that fails is ignored, removed and rewritten by the scan that follows. `cache = false` in the
configuration, or `--no-cache`, turns the cache off.

The cache keeps itself small: a hit refreshes its entry's mtime, and at most once a day a store
removes entries unused for `MAX_AGE_DAYS` and, past `MAX_ENTRIES`, the least recently used (an
edited file's old entry can never be hit again, so without this the folder would only grow).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from guardrail._version import __version__
from guardrail.config import GuardrailConfig
from guardrail.findings import Evidence, Finding, Problem, ScanInfo

logger = logging.getLogger("guardrail")
FORMAT = "guardrail-check-cache/v1"
# A local file is hashed before its scan is skipped; reading it costs less than parsing and
# scanning it, but only a full scan is worth that (a sample reads far less than the file).
HASH_CHUNK = 1 << 20
# Pruning: entries unused this long go, and past this many the least recently used go too.
MAX_AGE_DAYS = 30
MAX_ENTRIES = 20_000
PRUNE_EVERY_SECONDS = 24 * 3600
_PRUNED_MARKER = ".last-prune"
_STALE_TMP_SECONDS = 3600  # a `.tmp` this old is a write that died half way


def cache_dir() -> Path:
    """`$HF_HOME/guardrail/checks`, or beside `HF_HUB_CACHE` when only that is set."""
    home = os.environ.get("HF_HOME")
    if not home and os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser().parent / "guardrail" / "checks"
    if not home:
        xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        home = str(Path(xdg) / "huggingface")
    return Path(home).expanduser() / "guardrail" / "checks"


@cache
def knowledge_digest() -> str:
    """A digest of every packaged knowledge file: any edit to what guardrail knows re-scans."""
    digest = hashlib.sha256()
    folder = resources.files("guardrail.knowledge")
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        if item.name.endswith(".toml"):
            digest.update(item.name.encode() + b"\0" + item.read_bytes())
    return digest.hexdigest()[:16]


def policy_digest(config: GuardrailConfig) -> str:
    """A stable digest of the effective configuration (every field but `cache` itself)."""
    raw = {k: v for k, v in dataclasses.asdict(config).items() if k != "cache"}
    text = json.dumps(raw, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes (read in chunks: bounded memory)."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def tokenizer_digest(tok: Any) -> str | None:
    """A digest of a fast tokenizer's full definition; None when it cannot be pinned down."""
    decoder = tok if hasattr(tok, "batch_decode") else getattr(tok, "tokenizer", None)
    backend = getattr(decoder, "backend_tokenizer", None)
    if backend is None or not hasattr(backend, "to_str"):
        return None
    return hashlib.sha256(str(backend.to_str()).encode()).hexdigest()[:16]


def dataset_parts(dataset: Any) -> dict[str, str] | None:
    """Split -> `datasets` fingerprint of a `Dataset`/`DatasetDict`; None if any split has none."""
    from guardrail.integrations.library_internals import fingerprint as library_fingerprint

    items = list(dataset.items()) if isinstance(dataset, Mapping) else [(str(dataset.split), dataset)]
    parts: dict[str, str] = {}
    for _, part in items[:1]:
        parts["config_name"] = str(getattr(part.info, "config_name", None))
    for split, part in items:
        fingerprint = library_fingerprint(part)
        if not fingerprint or getattr(part, "num_rows", None) is None:
            return None  # streams have no fingerprint: nothing sound to key on
        parts[f"split:{split}"] = f"{fingerprint}:{part.num_rows}"
    return parts


class CheckCache:
    """Record evidence on disk, keyed by what determines it.

    Args:
        config: The configuration; `config.cache` False makes every lookup a miss and every
            store a no-op.
        directory: Where entries live (default `cache_dir()`).
    """

    def __init__(self, config: GuardrailConfig, directory: Path | None = None) -> None:
        self.config = config
        self.enabled = config.cache
        self.directory = directory or cache_dir()
        self.hits = 0

    def key(self, kind: str, parts: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "kind": kind,
            "parts": dict(parts),
            "guardrail_version": __version__,
            "knowledge": knowledge_digest(),
            "policy": policy_digest(self.config),
        }

    def _path(self, key: Mapping[str, Any]) -> Path:
        name = hashlib.sha256(_canonical(key).encode()).hexdigest()
        return self.directory / name[:2] / f"{name}.json"

    def get(self, kind: str, parts: Mapping[str, Any], target: str) -> Evidence | None:
        """The stored evidence under this key, renamed to `target`; None on a miss."""
        if not self.enabled:
            return None
        key = self.key(kind, parts)
        path = self._path(key)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            body = raw["evidence"]
            if raw["format"] != FORMAT or raw["key"] != key or raw["digest"] != _digest(body):
                raise ValueError("entry does not match its key or its digest")
            evidence = _evidence(body, target)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            logger.warning("guardrail: ignoring a damaged check-cache entry %s (%s); re-scanning", path, exc)
            path.unlink(missing_ok=True)
            return None
        self.hits += 1
        _touch(path)  # the entry's mtime is its last use: pruning keeps what is used
        note = f"records: reused the scan cached at {raw.get('stored_at', '?')} (same data, rules and configuration)"
        return dataclasses.replace(evidence, notes=(*evidence.notes, note))

    def put(self, kind: str, parts: Mapping[str, Any], evidence: Evidence) -> None:
        """Store `evidence`, unless caching is off or something could not be checked."""
        if not self.enabled or evidence.problems:
            return
        key = self.key(kind, parts)
        body = _evidence_dict(evidence)
        import datetime as dt

        entry = {
            "format": FORMAT,
            "key": key,
            "stored_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "evidence": body,
            "digest": _digest(body),
        }
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Written whole, then renamed: a reader never sees half an entry.
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{path.stem}.", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(json.dumps(entry, sort_keys=True))
            os.replace(tmp, path)
        except OSError as exc:  # a read-only or full disk costs a re-scan, nothing more
            logger.debug("guardrail: could not write the check cache at %s: %s", path, exc)
            return
        prune(self.directory)

    def through(
        self, kind: str, parts: Mapping[str, Any] | None, target: str, scan: Callable[[], Evidence]
    ) -> Evidence:
        """`scan()`, or its stored result under (`kind`, `parts`); `parts=None` never caches."""
        if parts is None or not self.enabled:
            return scan()
        found = self.get(kind, parts, target)
        if found is not None:
            return found
        evidence = scan()
        self.put(kind, parts, evidence)
        return evidence


def prune(directory: Path, *, now: float | None = None, force: bool = False) -> int:
    """Remove entries unused for `MAX_AGE_DAYS`, then the least recently used past `MAX_ENTRIES`.

    Runs at most once per `PRUNE_EVERY_SECONDS` per cache folder (a marker file's mtime says
    when it last ran) unless `force`; returns how many files were removed. Never raises: a
    cache that cannot be pruned costs disk space, not a check.
    """
    now = time.time() if now is None else now
    marker = directory / _PRUNED_MARKER
    try:
        if not force and now - marker.stat().st_mtime < PRUNE_EVERY_SECONDS:
            return 0
    except FileNotFoundError:
        pass
    except OSError:
        return 0
    removed = 0
    try:
        marker.touch()
        os.utime(marker, (now, now))
        entries: list[tuple[float, Path]] = []
        for sub in os.scandir(directory):
            if len(sub.name) != 2 or not sub.is_dir(follow_symlinks=False):
                continue  # only the folders `_path` makes: nothing else here is touched
            for item in os.scandir(sub.path):
                if not item.name.startswith(sub.name) or not item.is_file(follow_symlinks=False):
                    continue
                age = now - item.stat(follow_symlinks=False).st_mtime
                path = Path(item.path)
                if item.name.endswith(".tmp"):
                    if age > _STALE_TMP_SECONDS:
                        path.unlink(missing_ok=True)
                        removed += 1
                elif item.name.endswith(".json"):
                    if age > MAX_AGE_DAYS * 86400:
                        path.unlink(missing_ok=True)
                        removed += 1
                    else:
                        entries.append((age, path))
        entries.sort(key=lambda e: e[0])  # most recently used first
        for _, path in entries[MAX_ENTRIES:]:
            path.unlink(missing_ok=True)
            removed += 1
    except OSError as exc:
        logger.debug("guardrail: could not prune the check cache at %s: %s", directory, exc)
    return removed


def _touch(path: Path) -> None:
    with contextlib.suppress(OSError):  # a read-only cache still serves hits
        os.utime(path)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _digest(body: Any) -> str:
    return hashlib.sha256(_canonical(body).encode()).hexdigest()


def _evidence_dict(evidence: Evidence) -> dict[str, Any]:
    return {
        "findings": [f.to_dict() for f in evidence.findings],
        "problems": [p.to_dict() for p in evidence.problems],
        "notes": list(evidence.notes),
        "scan": evidence.scan.to_dict() if evidence.scan is not None else None,
        "resolved": dict(evidence.resolved),
    }


def _evidence(body: Mapping[str, Any], target: str) -> Evidence:
    scan = body["scan"]
    return Evidence(
        target=target,
        findings=tuple(Finding.from_dict(f) for f in body["findings"]),
        problems=tuple(Problem(**p) for p in body["problems"]),
        notes=tuple(str(n) for n in body["notes"]),
        scan=ScanInfo(**scan) if scan is not None else None,
        resolved={str(k): str(v) for k, v in body["resolved"].items()},
    )
