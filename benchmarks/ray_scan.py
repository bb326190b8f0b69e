"""Record-scan throughput on Ray Data against the local engine, on the same corpus in one run.

Writes the synthetic corpus of `scan_throughput.py` (article-like text, rare planted X
markers) as `--files` parquet files, then times three scans of those files:

* local: `guardrail.readers.file_scan.scan_files`, one process (what `guardrail check` does);
* ray files: `guardrail.integrations.ray.scan_files`, one Ray task per file with the same
  readers (what `guardrail check --engine ray` does);
* ray dataset: `scan_dataset(read_parquet(..., include_paths=True))`, Ray's reader and
  `map_batches` (what a Ray Data pipeline does).

It checks that all three report the same findings and prints rows/s, MB/s and the ratio
to local. Ray start-up is timed apart and not counted.

    python benchmarks/ray_scan.py [--mb 200] [--files 16] [--address auto] [--data-dir /shared/tmp]

On a cluster, pass `--address` (or set RAY_ADDRESS) and a `--data-dir` every node can read.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).parent))
from scan_throughput import corpus  # same corpus as the single-core benchmark


def _key(evidence: Any) -> list[tuple[Any, ...]]:
    return sorted((f.rule_id, str(f.location), f.matched, f.scanned, f.evidence) for f in evidence.findings)


def _line(name: str, seconds: float, mb: float, rows: int, base: float | None) -> str:
    ratio = f"  {base / seconds:4.2f}x local" if base else ""
    return f"{name:<17} {seconds:7.2f} s  {mb / seconds:8,.1f} MB/s  {rows / seconds:12,.0f} rows/s{ratio}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=int, default=200, help="corpus size in MB (default 200)")
    ap.add_argument("--files", type=int, default=16, help="parquet files to split it into (default 16)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--address", default=os.environ.get("RAY_ADDRESS"), help="Ray cluster (default: local)")
    ap.add_argument("--data-dir", help="where to write the corpus (must be visible to every Ray node)")
    args = ap.parse_args()

    import ray

    from guardrail.config import GuardrailConfig
    from guardrail.integrations import ray as gray
    from guardrail.readers.file_scan import DataFile, scan_files

    table, planted = corpus(args.mb, args.seed)
    mb = table.column("text").nbytes / 1e6
    rows = table.num_rows
    tmp = Path(tempfile.mkdtemp(prefix="guardrail-ray-bench-", dir=args.data_dir))
    per = -(-rows // args.files)
    files = []
    for i in range(args.files):
        path = tmp / f"part-{i:04d}.parquet"
        pq.write_table(table.slice(i * per, per), path, row_group_size=50_000)
        files.append(DataFile(path, path.name))
    print(f"corpus: {mb:,.0f} MB of text, {rows:,} rows, {planted} planted rows, {args.files} parquet files")

    config = GuardrailConfig(full_scan_max_bytes=1 << 50)  # scan everything locally too
    start = time.perf_counter()
    local = scan_files(files, config, target="corpus")
    t_local = time.perf_counter() - start
    print(_line("local", t_local, mb, rows, None))

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    start = time.perf_counter()
    if args.address:
        ray.init(address=args.address, logging_level="WARNING", log_to_driver=False)
    else:
        ray.init(include_dashboard=False, logging_level="WARNING", log_to_driver=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    cpus = int(ray.cluster_resources().get("CPU", 0))
    print(
        f"ray start:        {time.perf_counter() - start:7.2f} s  ({cpus} CPUs in the cluster; not counted)"
    )

    def by_dataset() -> Any:
        ds = gray.read_parquet([str(f.path) for f in files])
        return gray.dataset_evidence(
            ds, config, target="corpus", path_column="path", display=lambda p: Path(p).name
        )

    # The first run also starts Ray's worker processes; the second shows the steady state.
    results = {}
    for name, run in (
        ("ray files", lambda: gray.scan_files(files, config, target="corpus")),
        ("ray dataset", by_dataset),
    ):
        for attempt in ("cold", "warm"):
            start = time.perf_counter()
            results[name] = run()
            print(_line(f"{name} {attempt}", time.perf_counter() - start, mb, rows, t_local))
    by_file, by_ds = results["ray files"], results["ray dataset"]
    ray.shutdown()

    same = _key(local) == _key(by_file) == _key(by_ds)
    print(f"same findings on all three: {'yes' if same else 'NO'}  ({len(local.findings)} findings)")
    for path in tmp.iterdir():
        path.unlink()
    tmp.rmdir()
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
