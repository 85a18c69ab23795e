"""`safetensors.torch` subset for the golden generators (see the package docstring)."""
import json
import os
import struct

import torch

from . import safe_open

_CODES = {
    torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8",
    torch.bool: "BOOL",
}


def storage_ptr(tensor):
    try:
        return tensor.untyped_storage().data_ptr()
    except Exception:  # torch < 2.0
        return tensor.storage().data_ptr()


def storage_size(tensor):
    try:
        return tensor.untyped_storage().nbytes()
    except Exception:  # torch < 2.0
        return tensor.storage().size() * tensor.element_size()


def _tensor_bytes(t):
    t = t.detach().to("cpu").contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def save(tensors, metadata=None):
    # The reference writer orders entries by dtype (descending alignment) then name; mirror it.
    order = sorted(tensors.items(), key=lambda kv: (-kv[1].element_size(), kv[0]))
    header = {}
    blobs = []
    offset = 0
    for name, t in order:
        data = _tensor_bytes(t)
        header[name] = {"dtype": _CODES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata is not None:
        header = {"__metadata__": metadata, **header}
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * ((8 - len(raw) % 8) % 8)
    return struct.pack("<Q", len(raw)) + raw + b"".join(blobs)


def save_file(tensors, filename, metadata=None):
    tmp = f"{filename}.tmp"
    with open(tmp, "wb") as f:
        f.write(save(tensors, metadata))
    os.replace(tmp, filename)


def load_file(filename, device="cpu"):
    with safe_open(filename, framework="pt") as f:
        return {k: f.get_tensor(k) for k in f.keys()}


def load(data):
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".safetensors") as tmp:
        tmp.write(data)
        tmp.flush()
        return load_file(tmp.name)


def save_model(model, filename, metadata=None, force_contiguous=False):
    raise NotImplementedError("save_model is not provided by the golden generators' safetensors stand-in")


def load_model(model, filename, strict=True, device="cpu"):
    raise NotImplementedError("load_model is not provided by the golden generators' safetensors stand-in")
