"""The hard strings every tokenizer golden encodes (written to tests/Hyperfit.Tests/Goldens/tokenizers/strings.json).

    python3 tools/goldens/tokenizers/hard_strings.py tests/Hyperfit.Tests/Goldens/tokenizers/strings.json

Whitespace runs, digits, contractions, code, URLs, emoji and ZWJ sequences, astral letters, CJK, Arabic, Hindi,
combining marks, control characters and special-token strings mid-text, alone and mixed. Deterministic: the mixed
part comes from a seeded generator.
"""
import json
import random
import sys

BASE = [
    "", " ", "  ", "   ", "\t", "\n", "\n\n", " \n ", "\r\n", "a", " a", "  two leading spaces", "trailing spaces   ",
    "inner   spaces  here", "tabs\tand\t\ttabs", "line one\nline two\n\nline four", "  \n  indented\n    more",
    "Hello world", " Hello world", "Hello  world", "Hello</s>world", "Hello </s> world", "<s>Hello</s>",
    "<|endoftext|>", "text<|endoftext|>more text", "a <|endoftext|> b", "<|im_start|>user\nhi<|im_end|>",
    "<|begin_of_text|>Hi<|eot_id|>", "<bos>x<eos>", "<unk>", "</s></s>", "I'm", "you're", "they'll", "we've",
    "she'd", "it's", "IT'S", "don't", "Don'T", "o'clock", "rock 'n' roll", "'s 't 're", "12345", "1234567890",
    "3.14159", "-42", "1,000,000", "2024-12-05", "0x1F600", "v4.47.1", "a1b2c3", "٣٤٥ Arabic digits",
    "१२३ Devanagari digits", "𝟎𝟏𝟐 mathematical digits", "def f(x):\n    return x ** 2\n",
    "for (int i = 0; i < n; ++i) { sum += a[i]; }", "if x==1&&y!=2||z>=3:", "#include <stdio.h>",
    "    four spaces indent", "\tdef tabbed():\n\t\tpass", "https://example.com/path?q=1&r=two#frag",
    "mailto:someone@example.org", "C:\\Users\\name\\file.txt", "~/.config/hyperfit/settings.json",
    "😀", "😀a", "a😀", "📯u", "🎺🎷🎸", "👍🏽", "👨‍👩‍👧‍👦 family", "🏳️‍🌈", "❤️", "🇸🇪🇫🇷", "1️⃣", "😀😀😀😀😀",
    " 😀 ", "emoji😀in😀words", "𝐇𝐞𝐥𝐥𝐨 bold", "𝔉𝔯𝔞𝔨𝔱𝔲𝔯", "𝒮𝒸𝓇𝒾𝓅𝓉", "𝕯𝖔𝖚𝖇𝖑𝖊", "𐍈 Gothic", "𓀀 hieroglyph",
    "𠀀𠀁 CJK extension B", "中文字符测试", "日本語のテキストです。", "한국어 텍스트", "漢字とかなカナ",
    "مرحبا بالعالم", "العربية، والأرقام ١٢٣", "नमस्ते दुनिया", "हिन्दी में पाठ", "Привет, мир!", "Ελληνικά κείμενα",
    "שלום עולם", "ภาษาไทย", "Tiếng Việt có dấu", "e\u0301 combining acute", "n\u0303o", "a\u0308\u0304 stacked",
    "Z\u0351\u0362a\u0364\u0367l\u035bg\u0350o", "ﬁ ligature", "Ⅻ roman", "½ ¼ ¾", "™ © ®", "café naïve résumé",
    "Straße", "İstanbul ıi", "ǅ titlecase", "\u00a0no-break space", "zero\u200bwidth", "soft\u00adhyphen",
    "\u200d joiner alone", "\ufeffBOM", "bell\u0007char", "null\u0000char", "esc\u001b[0m", "\u0001\u0002\u0003",
    "del\u007f", "\u2028line sep", "\u3000ideographic space", "ＦＵＬＬＷＩＤＴＨ", "…—–‘’“”", "¿¡",
    "«guillemets»", "$100 €200 £300 ¥400", "→ ← ↑ ↓", "∑∫√∞≠≤≥", "<html><body>Hi</body></html>",
    "{\"key\": [1, 2, 3]}", "SELECT * FROM t WHERE a = 'x';", "αβγ ΔΘΛ", "hello\u0000world", "a\u0301\u0301\u0301",
    "\U0010FFFF private", "\ue000 private use", "x" * 200, "ab" * 150, " " * 40 + "deep", "\n" * 12,
    "word " * 60, "Supercalifragilisticexpialidocious", "pneumonoultramicroscopicsilicovolcanoconiosis",
    "The quick brown fox jumps over the lazy dog.", "THE QUICK BROWN FOX", "tHe QuIcK bRoWn FoX",
    "It was the best of times, it was the worst of times.", "Numbers 1 22 333 4444 55555 666666",
]

PIECES = ["the", " ", "  ", "\n", "😀", "𝐀", "中", "é", "e\u0301", "'s", "123", "9", "</s>", "<s>", "<|endoftext|>",
          "<|im_end|>", "http://a.b", "\t", "ab", "Ω", "ا", "न", "ि", "👨‍👩‍👧", "🏽", ".", "...", "-", "_", "\u200b",
          "x", "Z", "  \n", "0", "٣", "𝟘"]


def strings():
    out = list(BASE)
    rng = random.Random(20241205)
    while len(out) < 320:
        out.append("".join(rng.choice(PIECES) for _ in range(rng.randint(2, 9))))
    seen = set()
    return [s for s in out if not (s in seen or seen.add(s))]


if __name__ == "__main__":
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump(strings(), f, ensure_ascii=True, indent=0)
        f.write("\n")
