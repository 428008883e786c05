// `wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int` on each file named, in
// one process. npm's wasm-opt is binaryen compiled to wasm and run by Node: ~0.5 s to start,
// which the split's ~100 files made ~2 minutes of a build; its library does the same work once
// loaded. Run by `cargo xtask build` (xtask/src/front.rs, which holds this file):
//   node --input-type=module --eval "$(cat optimise.mjs)" BINARYEN_INDEX_JS FILE.wasm...
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [index, ...files] = process.argv.slice(1);
const { default: binaryen } = await import(pathToFileURL(index));
const F = binaryen.Features;
// The features wasm-opt 132 reads with those two flags (`wasm-opt --print-features`).
const features = F.MutableGlobals | F.NontrappingFPToInt | F.BulkMemory | F.SignExt | F.ReferenceTypes
  | F.Multivalue | F.BulkMemoryOpt | F.CallIndirectOverlong;
binaryen.setOptimizeLevel(2); // -Oz: -O2's passes,
binaryen.setShrinkLevel(2); //  shrinking hardest
binaryen.setDebugInfo(false); // no names kept, as wasm-opt without -g
for (const file of files) {
  const module = binaryen.readBinary(readFileSync(file), features);
  module.optimize();
  writeFileSync(file, module.emitBinary());
  module.dispose();
}
