"""The private APIs of other libraries that guardrail relies on, each behind one small function.

None of these has a public equivalent (each function says why it is needed). Each degrades to
the public behaviour if the library changes shape, and tests/integrations/test_library_internals.py
fails loudly when one does, so a new `datasets` or `accelerate` release is noticed in CI, not in a
user's training run.
"""

from __future__ import annotations

from typing import Any


def packaged_builder_names() -> frozenset[str]:
    """The names `datasets.load_dataset` treats as packaged builders (`json`, `csv`, `parquet`, ...).

    `datasets` keeps them only in the private `_PACKAGED_DATASETS_MODULES`.
    """
    from datasets.packaged_modules import _PACKAGED_DATASETS_MODULES

    return frozenset(_PACKAGED_DATASETS_MODULES)


def fingerprint(dataset: Any) -> str | None:
    """A `Dataset`'s fingerprint (the cache key `datasets` derives from its history), if it has one.

    `datasets` exposes it only as the private `Dataset._fingerprint`.
    """
    value = getattr(dataset, "_fingerprint", None)
    return None if value is None else str(value)


def drop_identity_format(dataset: Any) -> None:
    """Remove the no-op format object `with_format(None)` leaves on an `IterableDataset`.

    With it, every row goes through a per-row conversion that the unformatted stream does not
    have; there is no public way to drop it. Without the private `_formatting` attribute
    (another `datasets` version) nothing is done: the rows are the same, only slower to convert.
    """
    formatting = getattr(dataset, "_formatting", None)
    if formatting is not None and formatting.format_type is None:
        dataset._formatting = None


def set_class(obj: Any, cls: type) -> None:
    """Give `obj` the class `cls`, even when it hides `__class__` behind a property.

    accelerate's dataloader adapters define `__class__` as a read-only property (so that
    `isinstance(dl, DataLoader)` holds); the slot on `object` still sets the real class.
    """
    object.__dict__["__class__"].__set__(obj, cls)
