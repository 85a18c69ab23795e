"""Pure-Python stand-in for the `safetensors` package, for the golden generators only.

The real package is a Rust extension that Debian 12 does not ship and that cannot be built offline here.
transformers imports it at start-up and uses it to load and save `model.safetensors`; this module implements
the documented file format (8-byte little-endian header length, JSON header with dtype/shape/data_offsets,
raw little-endian data) for the subset of the API transformers calls: `safe_open` (keys, metadata,
get_tensor) and, in `safetensors.torch`, `load_file`, `save_file`, `load`, `save`, `storage_ptr`,
`storage_size`. Nothing else of the real package is provided.
"""
import json
import struct

__version__ = "0.4.5"  # the API level imitated; see safetensors-0.4.5.dist-info/METADATA

_DTYPES = {
    "F64": ("float64", 8), "F32": ("float32", 4), "F16": ("float16", 2), "BF16": ("bfloat16", 2),
    "I64": ("int64", 8), "I32": ("int32", 4), "I16": ("int16", 2), "I8": ("int8", 1), "U8": ("uint8", 1),
    "BOOL": ("bool", 1),
}


class SafetensorError(Exception):
    pass


def _read_header(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n).decode("utf-8"))
    return header, 8 + n


def _tensor_from_bytes(buf, dtype_code, shape):
    import torch

    name, _ = _DTYPES[dtype_code]
    dtype = getattr(torch, name)
    if len(buf) == 0:
        return torch.empty(shape, dtype=dtype)
    t = torch.frombuffer(bytearray(buf), dtype=dtype)
    return t.reshape(shape).clone()


class safe_open:  # noqa: N801 - the real package's name
    def __init__(self, filename, framework="pt", device="cpu"):
        if framework not in ("pt", "torch"):
            raise SafetensorError(f"framework {framework!r} is not supported by this stand-in")
        self._path = filename
        header, self._data_start = _read_header(filename)
        self._metadata = header.pop("__metadata__", None)
        self._entries = header

    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False

    def keys(self):
        return list(self._entries.keys())

    def metadata(self):
        return self._metadata

    def get_tensor(self, name):
        entry = self._entries[name]
        begin, end = entry["data_offsets"]
        with open(self._path, "rb") as f:
            f.seek(self._data_start + begin)
            buf = f.read(end - begin)
        return _tensor_from_bytes(buf, entry["dtype"], entry["shape"])
