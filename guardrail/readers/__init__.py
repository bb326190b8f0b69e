"""Readers: turn what is on disk or on the Hub into something the detectors and the scanner read.

- `card_parser`: a dataset card's front matter and prose, with line numbers;
- `file_scan`, `format_readers`, `textchunks`, `folder_layout`, `file_types`: data files (which
  files a folder holds, and in which format) read as Arrow batches, bounded, and scanned by
  `guardrail.scan`;
- `hub`: Hub metadata, cards and record samples, through `huggingface_hub` and `datasets`.
"""
