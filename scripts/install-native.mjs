#!/usr/bin/env node
// Builds the optional native kernel addon (build/Release/dislib_native.node) with node-gyp: it needs a C
// compiler only (no BLAS headers or libraries; a system BLAS is opened at run time when present).
// Without --required a failed build is not an error: the pure-TypeScript kernels are used instead.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const required = process.argv.includes('--required');
const rebuildCommand = 'npx dislib build-native';

function fail(reason) {
  if (required) {
    console.error(`dislib-ts: native kernels could not be built: ${reason}`);
    process.exit(1);
  }
  console.log(`dislib-ts: native kernels not built (${reason}); using the TypeScript kernels. ` +
    `The build needs a C compiler, make and python3 (node-gyp); with them run \`${rebuildCommand}\`.`);
  process.exit(0);
}

if (!existsSync(join(root, 'binding.gyp'))) fail('binding.gyp not found');
// node-gyp: the copy npm hands to install scripts, else this package's own (a dev dependency in a clone),
// else the one bundled with the npm next to this Node (for `npx dislib build-native` in an installed package).
const bundledGyp = join(dirname(dirname(process.execPath)), 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
let gyp = process.env.npm_config_node_gyp;
if (!gyp || !existsSync(gyp)) {
  try {
    gyp = createRequire(join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    gyp = existsSync(bundledGyp) ? bundledGyp : undefined;
  }
}
if (!gyp) fail('node-gyp not found');
// Use the headers of the running Node when they are installed next to it (distro packages, official
// tarballs), so that the build needs no download; npm's own nodedir setting, when present, wins.
const gypArgs = [gyp, 'rebuild'];
const prefix = dirname(dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) {
  gypArgs.push(`--nodedir=${prefix}`);
}
const result = spawnSync(process.execPath, gypArgs, { cwd: root, stdio: required ? 'inherit' : 'pipe', encoding: 'utf8' });
if (result.status !== 0) {
  // The compiler's first error says more than node-gyp's closing lines.
  const lines = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.split('\n').map((l) => l.trim()).filter(Boolean);
  const why = lines.find((l) => /(^|\s)(fatal )?error:/i.test(l) && !l.startsWith('gyp')) ?? lines.slice(-3).join(' | ');
  fail(`node-gyp rebuild exited with ${result.status}${why ? `: ${why}` : ''}`);
}
// Which BLAS the kernels will use is decided when they load; say it now, and that a system one is optional.
let blasLine = '';
try {
  const info = createRequire(join(root, 'package.json'))(join(root, 'build', 'Release', 'dislib_native.node')).blasInfo();
  blasLine = info.source === 'system'
    ? ` using ${info.name} (${info.library})`
    : ` using the built-in BLAS (${info.isa}); a system OpenBLAS (Debian: libopenblas0) or MKL is an optional speed-up, found when present`;
} catch (err) {
  blasLine = ` but they do not load: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
}
console.log(`dislib-ts: native kernels built,${blasLine}.`);
