"""Arrow arrays to and from numpy and Python, without pyarrow's pandas check.

`pa.array`, `pa.scalar`, `Array.to_numpy` and any kernel handed a Python value first ask
pyarrow's pandas shim whether the value is a pandas object, and the first such question
imports pandas: 0.4-0.7 s of every `guardrail check` on a data file (measured here), most
of a small file's check. The scan engine builds and reads its small index, mask and text
arrays from buffers instead; a test keeps pandas out of a data file's check.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

# Kernel arguments built from buffers, not Python values.
FALSE = pa.Array.from_buffers(pa.bool_(), 1, [None, pa.py_buffer(b"\x00")])[0]


def int_scalar(value: int, type: pa.DataType | None = None) -> pa.Scalar:
    """`value` as an Arrow scalar of integer `type` (int64 by default)."""
    type = type or pa.int64()
    return pa.Array.from_buffers(
        type, 1, [None, pa.py_buffer(np.array([value], dtype=type.to_pandas_dtype()))]
    )[0]


def indices(values: np.ndarray) -> pa.Array:
    """An int64 array of `values` (for `take`)."""
    data = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(data), [None, pa.py_buffer(data)])


def mask(values: np.ndarray) -> pa.Array:
    """A boolean array of `values`."""
    bits = np.packbits(np.asarray(values, dtype=np.bool_), bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(bits)])


def strings(items: Sequence[str | None], *, large: bool = True) -> pa.Array:
    """A (large) string array of `items`; None is null. Lone surrogates become U+FFFD."""
    encoded = [b"" if s is None else s.encode("utf-8", "replace") for s in items]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64 if large else np.int32)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    valid = np.fromiter((s is not None for s in items), dtype=np.bool_, count=len(items))
    validity = None if valid.all() else pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(
        pa.large_string() if large else pa.string(),
        len(encoded),
        [validity, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))],
    )


def bools(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean Arrow array as numpy, nulls as False."""
    if isinstance(array, pa.ChunkedArray):
        return np.concatenate([bools(c) for c in array.chunks]) if array.num_chunks else np.zeros(0, np.bool_)
    n = len(array)
    if n == 0:
        return np.zeros(0, dtype=np.bool_)
    validity, data = array.buffers()[:2]
    assert data is not None
    out = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little", count=array.offset + n)
    out = out[array.offset :].astype(np.bool_)
    if validity is not None and array.null_count:
        valid = np.unpackbits(
            np.frombuffer(validity, dtype=np.uint8), bitorder="little", count=array.offset + n
        )
        out &= valid[array.offset :].astype(np.bool_)
    return out


def ints(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """An integer Arrow array without nulls as int64 numpy (e.g. `indices_nonzero`)."""
    if isinstance(array, pa.ChunkedArray):
        return np.concatenate([ints(c) for c in array.chunks]) if array.num_chunks else np.zeros(0, np.int64)
    if len(array) == 0:
        return np.zeros(0, dtype=np.int64)
    assert array.null_count == 0
    return raw_values(array).astype(np.int64, copy=False)


def raw_values(array: pa.Array) -> np.ndarray:
    """The value buffer of an integer array as numpy, no copy; null slots hold whatever is there."""
    raw = np.frombuffer(array.buffers()[1], dtype=array.type.to_pandas_dtype())
    return raw[array.offset : array.offset + len(array)]


def offsets(values: pa.Array) -> np.ndarray:
    """The value offsets of a string or binary array (len + 1 of them), no copy."""
    wide = pa.types.is_large_string(values.type) or pa.types.is_large_binary(values.type)
    raw = np.frombuffer(values.buffers()[1], dtype=np.int64 if wide else np.int32)
    return raw[values.offset : values.offset + len(values) + 1]
