#!/usr/bin/env bash
# dislib-ts as a consumer gets it: `npm pack` (which runs the prepare build), the tarball's contents, an
# install into a fresh project in a temp dir, a strict type-check of a program importing 'dislib-ts'
# with skipLibCheck false (so the package's own .d.ts files and the types they name are checked), and
# a K-means fit on local workers, once with whatever the install built and once without the native
# addon (the TypeScript kernels, as when install scripts did not run). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d "${TMPDIR:-/tmp}/dislib-consumer-XXXXXX")
trap 'rm -rf "$work"' EXIT
say() { echo "consumer: $*"; }

say "npm pack"
npm pack --pack-destination "$work" >"$work/pack.log" 2>&1 || { cat "$work/pack.log"; exit 1; }
tarball=$(ls "$work"/dislib-ts-*.tgz)
listing=$(tar tzf "$tarball")
for f in dist/lib/index.js dist/lib/index.d.ts dist/bin/dislib.js LICENSE README.md; do
  grep -qx "package/$f" <<<"$listing" || { say "tarball lacks $f"; exit 1; }
done
if grep -E '^package/(dist/(test|bench|examples)|test|bench|examples)/' <<<"$listing" | head -3 | grep .; then
  say "tarball holds tests, benches or examples"; exit 1
fi
say "packed $(basename "$tarball"): $(wc -l <<<"$listing") files, $(grep -c '^package/dist/lib/.*\.d\.ts$' <<<"$listing") .d.ts"

app="$work/app"
mkdir -p "$app/src"
cat >"$app/package.json" <<'JSON'
{ "name": "dislib-consumer", "private": true, "type": "module" }
JSON
cat >"$app/tsconfig.json" <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "skipLibCheck": false,
    "types": ["node"],
    "outDir": "dist"
  },
  "include": ["src"]
}
JSON
cat >"$app/src/main.mts" <<'TS'
import { KMeans, array, init, kernelBackend, shutdown, type DsArray, type Matrix } from 'dislib-ts';

/** true when T is `any`: the check below fails to compile if the package's types degrade to any. */
type IsAny<T> = 0 extends 1 & T ? true : false;

await init({ workers: 2 });
try {
  const x: DsArray = array([[0, 0], [0.4, 0.2], [0.1, 0.5], [8, 8], [8.3, 7.9], [7.8, 8.4]], [2, 2]);
  const km = await new KMeans({ nClusters: 2, randomState: 0 }).fit(x);
  const labels: Matrix = await km.predict(x).collect();
  const labelsTyped: IsAny<typeof labels> = false;
  const first: number = labels.get(0, 0);
  const groups = Array.from(labels.data).join('');
  if (!labelsTyped && (groups === '000111' || groups === '111000') && first === labels.get(1, 0)) {
    console.log(`fit ok: labels ${groups}, inertia ${km.inertia.toFixed(3)}, ${km.nIter} iterations, kernels ${kernelBackend()}`);
  } else {
    throw new Error(`unexpected labels ${groups}`);
  }
} finally {
  await shutdown();
}
TS

say "npm install the tarball, typescript@~5.9, @types/node@20"
(cd "$app" && npm install --no-audit --no-fund "$tarball" 'typescript@~5.9' '@types/node@20' >"$work/install.log" 2>&1) || { cat "$work/install.log"; exit 1; }
addon="$app/node_modules/dislib-ts/build/Release/dislib_native.node"
say "installed dislib-ts $(node -p "require('$app/node_modules/dislib-ts/package.json').version"), native addon $([ -f "$addon" ] && echo built || echo 'not built')"

say "tsc (strict, skipLibCheck false)"
(cd "$app" && npx tsc -p tsconfig.json) || { say "type-check failed"; exit 1; }

run() {
  local out err
  out=$(cd "$app" && node dist/main.mjs 2>"$work/stderr") || { say "program failed"; cat "$work/stderr"; exit 1; }
  err=$(cat "$work/stderr")
  [ -z "$err" ] || { say "program wrote to stderr:"; echo "$err"; exit 1; }
  grep -q '^fit ok:' <<<"$out" || { say "no 'fit ok' line: $out"; exit 1; }
  say "$out"
}
say "run: fit on 2 local workers"
run
if [ -f "$addon" ]; then
  say "run again without the native addon (TypeScript kernels)"
  rm -rf "$app/node_modules/dislib-ts/build"
  run
fi
say "ok"
