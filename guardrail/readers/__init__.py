"""Readers: turn what is on disk or on the Hub into something the detectors and the scanner read.

- `card_parser`: a dataset card's front matter and prose, with line numbers;
- `file_scan`, `format_readers`, `webdataset`, `textchunks`, `folder_layout`, `folder_inventory`,
  `file_types`: data files (which files a folder holds, and in which format) read as Arrow
  batches and scanned by `guardrail.scan`;
- `file_bounds`: what a file may cost before a reader parses it (special files, decompression
  budget, line cap, UTF-16/32);
- `hub`: Hub metadata, cards and record samples, through `huggingface_hub` and `datasets`.
"""
