// The reference figure for `hyperfit bench tokenize`: the Rust tokenizers' batch encode through its Node binding,
// on one thread (RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false), best of passes lasting at least SECONDS.
//
//   RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false node tools/goldens/tokenizers/bench_reference.mjs \
//       NODE_MODULES DATA.jsonl SECONDS NAME=PATH/tokenizer.json ...
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const [nodeModules, data, seconds, ...specs] = process.argv.slice(2);
const require = createRequire(join(resolve(nodeModules), "noop.js"));
const { Tokenizer } = require("tokenizers");
const texts = readFileSync(data, "utf8").split("\n").filter((l) => l.trim()).map((l) => (data.endsWith(".jsonl") ? JSON.parse(l).text : l));
const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t, "utf8"), 0);
for (const spec of specs) {
  const [name, path] = spec.split("=");
  const tokenizer = Tokenizer.fromFile(path);
  await tokenizer.encodeBatch(texts, { addSpecialTokens: false }); // warm-up
  let best = Infinity;
  const start = performance.now();
  do {
    const t0 = performance.now();
    await tokenizer.encodeBatch(texts, { addSpecialTokens: false });
    best = Math.min(best, (performance.now() - t0) / 1000);
  } while ((performance.now() - start) / 1000 < Number(seconds));
  console.log(`${name}\t${(bytes / 1e6).toFixed(2)} MB\t${(bytes / 1e6 / best).toFixed(2)} MB/s`);
}
