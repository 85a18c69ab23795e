"""Import-only placeholder for the Rust `tokenizers` Python package, for the golden generators only.

transformers (at the pinned commit) imports `tokenizers` at module level in convert_slow_tokenizer.py, which
every SentencePiece-based slow tokenizer (LlamaTokenizer, T5Tokenizer) pulls in, even when the real package is
absent. The generators never use a fast tokenizer from Python: fast-tokenizer goldens come from the official npm
binding (tools/goldens/tokenizers/). This placeholder only makes those imports succeed; using any name raises.
It deliberately ships no *.dist-info, so transformers' is_tokenizers_available() stays False.
"""


class _Unavailable:
    def __init__(self, *args, **kwargs):
        raise RuntimeError("the Rust `tokenizers` package is not installed in the reference environment")


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return type(name, (_Unavailable,), {})


from . import decoders, models, normalizers, pre_tokenizers, processors  # noqa: E402,F401
