"""`guardrail check TARGET...`: the CI entry point (contract: design.md §5); `guardrail scrub`, `kb`, `rules`.

Exit status: 0 nothing blocked; 1 something blocked (or could not be checked, unless
failing open); 2 usage or configuration error, with one line on stderr.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NoReturn

from guardrail._version import __version__
from guardrail.errors import GuardrailError, ScrubRefused

EXIT_OK, EXIT_BLOCKED, EXIT_USAGE = 0, 1, 2


class UsageError(GuardrailError):
    """A command-line argument cannot be used (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    """Usage errors are one line on stderr: what is wrong, then this command's usage."""

    subcommands: dict[str, _Parser]

    def error(self, message: str) -> NoReturn:
        usage = " ".join(self.format_usage().split()).removeprefix("usage: ")
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (usage: {usage})\n")


def build_parser() -> _Parser:
    from guardrail.reporters import FORMATS

    parser = _Parser(
        prog="guardrail",
        description="Find X (Twitter) content in datasets before it reaches a training run.",
    )
    parser.add_argument("--version", action="version", version=f"guardrail {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    check = sub.add_parser(
        "check",
        help="check dataset cards, data files, folders or Hub dataset IDs",
        description="Check targets: card files (*.md), data files, local dataset folders, Hub dataset IDs. "
        "Glob patterns ('data/*.jsonl', 'cards/**/README.md') are expanded by guardrail itself.",
    )
    check.add_argument("targets", nargs="+", metavar="TARGET")
    check.add_argument("--format", "-f", choices=sorted(FORMATS), default="text", help="report format")
    check.add_argument("--output", "-o", type=Path, help="write the report to FILE instead of stdout")
    check.add_argument(
        "--report",
        action="append",
        default=[],
        metavar="FORMAT=FILE",
        help="also write a report in FORMAT to FILE (repeatable), e.g. --report sarif=guardrail.sarif",
    )
    check.add_argument("--config", "-c", type=Path, help="guardrail.toml or pyproject.toml to use")
    check.add_argument(
        "--no-records", action="store_true", help="do not read records, only cards and metadata"
    )
    check.add_argument(
        "--fail-open", action="store_true", help="targets that could not be checked do not fail the run"
    )
    check.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip targets and folder files matching GLOB (repeatable; adds to `exclude` in the config)",
    )
    check.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="findings recorded in FILE are reported as known and do not fail the run; new ones do",
    )
    check.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="record every finding of this run in FILE (then use it with --baseline)",
    )
    check.add_argument(
        "--quiet", "-q", action="store_true", help="text report: show only targets that did not pass"
    )
    check.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when targets are blocked (report only)"
    )
    check.add_argument(
        "--color",
        choices=["auto", "always", "never"],
        default="auto",
        help="colour the text report: auto (default) colours a terminal unless NO_COLOR is set or "
        "TERM=dumb; FORCE_COLOR forces it",
    )
    check.add_argument(
        "--engine",
        choices=["local", "ray"],
        default="local",
        help="where to scan records of data files and folders: this process, or Ray Data "
        "(RAY_ADDRESS selects a cluster; needs the ray extra)",
    )
    check.add_argument(
        "--no-cache",
        action="store_true",
        help="scan again even if the same data was checked under the same rules",
    )
    scrub = sub.add_parser(
        "scrub",
        help="write a copy of a dataset without the rows that carry X evidence",
        description="Write SOURCE (a data file, local dataset folder or Hub dataset ID) to OUT as Parquet "
        "shards without the rows that carry X (Twitter) evidence, with a JSON Lines log of every dropped "
        "row. Refuses (exit 1) when the card, lineage or knowledge base says the whole dataset came from X.",
    )
    scrub.add_argument("source", metavar="SOURCE")
    scrub.add_argument("out", metavar="OUT", type=Path, help="folder to create (must not exist, or be empty)")
    scrub.add_argument("--name", help="the dataset config to read")
    scrub.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="RULE_ID",
        help="drop rows with evidence of this rule (repeatable; default: every record value rule "
        "but GR404 and GR411)",
    )
    scrub.add_argument("--config", "-c", type=Path, help="guardrail.toml or pyproject.toml to use")
    scrub.add_argument("--format", "-f", choices=["text", "json"], default="text", help="summary format")
    rules = sub.add_parser(
        "rules",
        help="list every rule, or explain one (guardrail rules GR201)",
        description="List every rule with its ID, default severity and summary, or explain one rule: "
        "what it detects, an example that triggers it, and how to suppress it.",
    )
    rules.add_argument("rule_id", nargs="?", metavar="RULE_ID", help="explain this rule")
    rules.add_argument("--format", "-f", choices=["text", "json"], default="text", help="output format")
    kb = sub.add_parser(
        "kb",
        help="list or search the knowledge base of datasets known to hold X content, with sources",
        description="List the datasets guardrail knows hold X content, or those matching QUERY (a Hub ID, "
        "name, alias or any word of the evidence or source), with the public source for each claim. "
        "Entries from the configuration's known-x-datasets come first.",
    )
    kb.add_argument("query", nargs="?", default="", metavar="QUERY")
    kb.add_argument("--format", "-f", choices=["text", "json"], default="text", help="output format")
    kb.add_argument("--config", "-c", type=Path, help="guardrail.toml or pyproject.toml to use")
    parser.subcommands = {"check": check, "rules": rules, "scrub": scrub, "kb": kb}
    return parser


def use_color(choice: str, is_tty: bool, env: Mapping[str, str]) -> bool:
    """Whether to colour: the flag first, then NO_COLOR, FORCE_COLOR, TERM=dumb, the terminal."""
    if choice != "auto":
        return choice == "always"
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR", "0") not in ("", "0"):
        return True
    if env.get("TERM") == "dumb":
        return False
    return is_tty


def _cmd_rules(args: argparse.Namespace) -> int:
    from guardrail.detectors import RULES
    from guardrail.reporters.rule_docs import explain, rule_dict

    if args.rule_id is not None:
        rule = RULES.get(args.rule_id.upper())
        if rule is None:
            raise UsageError(f"rules: no rule {args.rule_id!r} (run `guardrail rules` for the list)")
        chosen = [rule]
    else:
        chosen = sorted(RULES.values(), key=lambda r: r.rule_id)
    if args.format == "json":
        import json

        doc: object = rule_dict(chosen[0]) if args.rule_id else [rule_dict(r) for r in chosen]
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    elif args.rule_id is not None:
        sys.stdout.write(explain(chosen[0]))
    else:
        for rule in chosen:
            print(f"{rule.rule_id}  {rule.severity.value:<6}  {rule.name:<32}  {rule.summary}")
    return EXIT_OK


def _cmd_scrub(args: argparse.Namespace) -> int:
    import json

    from guardrail.config import load_config
    from guardrail.detectors import RULES
    from guardrail.integrations.datasets.scrub_source import scrub_source
    from guardrail.scan.row_hits import DEFAULT_DROP_RULES

    unknown = [r for r in args.rule if r not in RULES]
    if unknown:
        raise UsageError(f"--rule {unknown[0]}: no such rule (see `guardrail rules`)")
    config = load_config(args.config)
    progress = sys.stderr.isatty() and not os.environ.get("CI")
    summary = scrub_source(
        args.source,
        args.out,
        config,
        name=args.name,
        rules=args.rule or DEFAULT_DROP_RULES,
        progress=progress,
    )
    if args.format == "json":
        print(json.dumps({"source": args.source, "out": str(args.out), **summary.to_dict()}, indent=2))
    else:
        rules = ", ".join(f"{r}: {n}" for r, n in summary.by_rule.items()) or "none"
        print(
            f"guardrail scrub: {summary.rows_dropped:,} of {summary.rows_scanned:,} rows dropped ({rules}); "
            f"kept rows {summary.verdict}\n  data: {args.out}/data/\n  log:  {summary.log}"
        )
    return EXIT_OK


def _cmd_kb(args: argparse.Namespace) -> int:
    from guardrail.config import load_config
    from guardrail.knowledge.x_datasets import packaged_knowledge_base
    from guardrail.reporters.kb import format_kb_json, format_kb_text

    config = load_config(args.config)
    kb = packaged_knowledge_base().extended(config.known_x_datasets, config.source)
    entries = kb.search(args.query)
    out = (
        format_kb_json(kb, entries, args.query)
        if args.format == "json"
        else format_kb_text(kb, entries, args.query)
    )
    sys.stdout.write(out)
    return EXIT_OK


def _targets(given: Sequence[str], exclude: Sequence[str]) -> list[str]:
    from guardrail.globs import excluded, expand, is_pattern

    out: list[str] = []
    for target in given:
        matches = expand(target)
        if not matches:
            raise UsageError(f"{target}: no file or folder matches this pattern")
        out.extend(m for m in matches if not (exclude and excluded(m, exclude)))
    if not out:
        raise UsageError("every target is excluded (--exclude / exclude in the config): nothing to check")
    if any(is_pattern(t) for t in given):
        out = list(dict.fromkeys(out))  # overlapping patterns name a file once
    return out


def _cmd_check(args: argparse.Namespace) -> int:
    from guardrail import baseline as bl
    from guardrail.cached_check import check_cached
    from guardrail.config import load_config
    from guardrail.reporters import FORMATS, PLAIN, ReportOptions

    extra_reports = [_parse_report_spec(spec, FORMATS) for spec in args.report]
    config = load_config(args.config)
    changes: dict[str, object] = {}
    if args.no_records:
        changes["scan_records"] = False
    if args.fail_open:
        changes["fail_open"] = True
    if args.no_cache:
        changes["cache"] = False
    if args.exclude:
        changes["exclude"] = (*config.exclude, *args.exclude)
    known = bl.load(_read(args.baseline), str(args.baseline)) if args.baseline is not None else {}
    if known:
        changes["baseline"] = frozenset(known)
    config = dataclasses.replace(config, **changes) if changes else config  # type: ignore[arg-type]
    targets = _targets(args.targets, config.exclude)

    to_tty = args.output is None and sys.stdout.isatty()
    progress = args.format == "text" and not args.quiet and sys.stderr.isatty() and not os.environ.get("CI")
    if args.engine == "ray":
        from guardrail.integrations.ray.ray_engine import check as check_on_ray

        report = check_on_ray(targets, config, progress=progress)
    else:
        report = check_cached(targets, config, progress=progress)
    if args.write_baseline is not None:
        _write(args.write_baseline, bl.dump(bl.entries_of(report), report.guardrail_version))
    if known:
        report = dataclasses.replace(report, stale_baseline=bl.stale(report, known))

    options = ReportOptions(color=use_color(args.color, to_tty, os.environ), quiet=args.quiet)
    out = FORMATS[args.format](report, options)
    for fmt, path in extra_reports:
        _write(path, FORMATS[fmt](report, PLAIN))
    if args.output is not None:
        _write(args.output, out)
    else:
        _print(out)
    return EXIT_OK if args.exit_zero else report.exit_code


def _print(text: str) -> None:
    """Write the report to stdout, naming a failure instead of a traceback at exit."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped (`| head`): the exit code still carries the verdict; keep the
        # interpreter's own final flush from failing again on the closed pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except OSError as exc:
        raise UsageError(f"cannot write the report to standard output: {exc.strerror}") from None


def _parse_report_spec(spec: str, formats: Mapping[str, object]) -> tuple[str, Path]:
    fmt, sep, file = spec.partition("=")
    if not sep or not file or fmt not in formats:
        raise UsageError(
            f"--report {spec!r}: expected FORMAT=FILE with FORMAT one of {', '.join(sorted(formats))}"
        )
    return fmt, Path(file)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise UsageError(f"{path}: cannot read baseline: {why}") from None


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write report: {exc.strerror}") from None


def console() -> int:
    """The `guardrail` command: `main` in a process that is guardrail's own.

    Settings that only the owner of a process should make (a user's own environment wins):
    - numpy's OpenBLAS starts a thread per core that spins for a while after numpy is
      imported, beside the scan; guardrail does no linear algebra.
    - Arrow's allocator (mimalloc, as pyarrow 26 ships it) keeps freed memory for a second
      before giving it back, so a parquet scan held the pages of row groups it was done
      with beside the ones it was decoding; at 10 ms (mimalloc's earlier default) peak RSS
      on a 215 MB parquet file went from 456 to 313 MB here, at the same speed.
    - The garbage collector's young generation gets a higher threshold (as mypy does): a
      large file's rows make many short-lived containers, freed by reference counting, and
      each collection also walked what pyarrow and numpy made on import.
    """
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("MIMALLOC_PURGE_DELAY", "10")
    import gc

    gc.set_threshold(200_000, 30, 30)
    return main()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (also used by `python -m guardrail`)."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        # argparse reports a subcommand's unknown flag with the top-level usage; name the subcommand's.
        parser.subcommands[args.command].error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        if args.command == "rules":
            return _cmd_rules(args)
        if args.command == "kb":
            return _cmd_kb(args)
        if args.command == "scrub":
            return _cmd_scrub(args)
        return _cmd_check(args)
    except ScrubRefused as exc:
        print(f"guardrail: scrub refused: {exc}", file=sys.stderr)
        return EXIT_BLOCKED
    except GuardrailError as exc:  # TargetError, ConfigError, UsageError, RayNotInstalledError
        from guardrail.reporters.printable import printable  # names in messages are untrusted

        print(f"guardrail: error: {printable(str(exc), keep_newlines=True)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("guardrail: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
