// Tokenizer goldens made by Hugging Face's Rust `tokenizers` through its official Node binding (npm `tokenizers`).
//
//   node tools/goldens/tokenizers/make_tokenizer_goldens.mjs NODE_MODULES OUT_DIR NAME=PATH/tokenizer.json ...
//
// For every tokenizer and every string of OUT_DIR/strings.json (tools/goldens/tokenizers/hard_strings.py):
// ids and tokens with add_special_tokens=true (what AutoTokenizer's __call__ does), and the decode of those ids with
// and without skip_special_tokens. Writes OUT_DIR/NAME.golden.json with the sha256 of the tokenizer file and the
// versions used. The tokenizer files themselves are copied only when the caller does so (licences: docs/fidelity.md).
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, renameSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const [nodeModules, outDir, ...specs] = process.argv.slice(2);
const require = createRequire(join(resolve(nodeModules), "noop.js"));
const { Tokenizer } = require("tokenizers");
const tokenizersVersion = JSON.parse(readFileSync(join(nodeModules, "tokenizers", "package.json"), "utf8")).version;
const strings = JSON.parse(readFileSync(join(outDir, "strings.json"), "utf8"));
const sha256 = (path) => createHash("sha256").update(readFileSync(path)).digest("hex");

for (const spec of specs) {
  const [name, path, source] = spec.split("=");
  const tokenizer = Tokenizer.fromFile(path);
  const cases = [];
  for (const text of strings) {
    const encoding = await tokenizer.encode(text, null, { addSpecialTokens: true });
    const ids = encoding.getIds();
    cases.push({
      text,
      ids,
      tokens: encoding.getTokens(),
      decoded: await tokenizer.decode(ids, false),
      decoded_skip_special: await tokenizer.decode(ids, true),
    });
  }
  const golden = {
    tokenizer: name,
    file: "tokenizer.json",
    file_sha256: sha256(path),
    file_source: source ?? null,
    reference: {
      generator: "tools/goldens/tokenizers/make_tokenizer_goldens.mjs",
      generator_sha256: sha256(new URL(import.meta.url).pathname),
      library: `npm tokenizers ${tokenizersVersion} (Hugging Face tokenizers, Rust, Node binding)`,
      node: process.version,
      add_special_tokens: true,
    },
    strings_sha256: sha256(join(outDir, "strings.json")),
    cases,
  };
  const out = join(outDir, `${name}.golden.json`);
  writeFileSync(`${out}.tmp`, JSON.stringify(golden) + "\n");
  renameSync(`${out}.tmp`, out);
  console.log(`${name}: ${cases.length} strings, ${cases.reduce((n, c) => n + c.ids.length, 0)} ids`);
}
