"""The private APIs of `datasets` and `accelerate` that guardrail relies on still behave as assumed.

If one of these fails after an upgrade, `guardrail.integrations.library_internals` needs a new
route for that library version; the rest of guardrail only calls the adapter.
"""

from __future__ import annotations

import datasets
import pytest

from guardrail.integrations import library_internals as internals


def test_packaged_builders_are_listed() -> None:
    assert {"json", "csv", "parquet", "text", "arrow"} <= internals.packaged_builder_names()


def test_a_dataset_has_a_fingerprint_that_follows_its_history() -> None:
    ds = datasets.Dataset.from_dict({"text": ["a", "b"]})
    before = internals.fingerprint(ds)
    assert isinstance(before, str) and before
    assert internals.fingerprint(ds.map(lambda r: {"text": r["text"] + "!"})) not in (None, before)
    assert internals.fingerprint(object()) is None


def test_with_format_none_leaves_the_format_object_the_adapter_drops() -> None:
    stream = datasets.Dataset.from_dict({"text": ["a", "b", "c"]}).to_iterable_dataset()
    unformatted = stream.with_format("arrow").with_format(None)
    # The assumption: a private `_formatting` with `format_type is None` (not a plain None).
    assert unformatted._formatting is not None and unformatted._formatting.format_type is None
    internals.drop_identity_format(unformatted)
    assert unformatted._formatting is None
    assert list(unformatted) == list(stream)


def test_accelerate_dataloaders_hide_their_class_and_the_adapter_still_sets_it() -> None:
    torch_data = pytest.importorskip("torch.utils.data")
    accelerate_data_loader = pytest.importorskip("accelerate.data_loader")

    # The assumption: accelerate reports the wrapped DataLoader's class through a property.
    assert isinstance(accelerate_data_loader.DataLoaderAdapter.__dict__["__class__"], property)
    loader = accelerate_data_loader.DataLoaderShard(list(range(4)), batch_size=2)
    base = type(loader)
    assert loader.__class__ is torch_data.DataLoader and base is not torch_data.DataLoader

    guarded = type("Guarded", (base,), {})
    internals.set_class(loader, guarded)
    assert type(loader) is guarded
    assert [b.tolist() for b in loader] == [[0, 1], [2, 3]]
