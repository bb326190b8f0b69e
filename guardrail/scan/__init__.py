"""The record scan engine: find X content in the data itself, batch by batch, in Arrow.

`scanner.RecordScanner` runs the record rules of `guardrail.detectors.records` over batches
(prefiltered, normalised, column by column) and turns counts into findings; `row_hits` asks it
which single rows matched (for filtering). Readers (`guardrail.readers`) feed it batches; the
public `scan_dataset` lives with the datasets integration.
"""
