"""Record scanning: find X content in the data itself, batch by batch, in Arrow.

Public entry points live in `guardrail.records.api` (`scan_dataset`, `RecordScanner`);
`guardrail.records.files.scan_files` scans data files for the CLI's sources.
"""
