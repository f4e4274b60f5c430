#!/usr/bin/env node
/**
 * The `dislib` command line:
 * - `dislib worker --connect tcp://HOST:PORT --key FILE --server-key KEY` joins a remote driver;
 * - `dislib keygen --out FILE` writes a CURVE key pair (mode 0600) and prints its public key;
 * - `dislib build-native` builds the native kernels (`scripts/install-native.mjs --required`).
 *
 * Errors print one line and exit with status 1.
 *
 * @packageDocumentation
 */
import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { generateKeyPair, readKeyFile, readPublicKey, writeKeyFile } from '../lib/runtime/security.js';
import { WORKER_PROCESS } from '../lib/runtime/store.js';
import { runWorker } from '../lib/runtime/worker.js';

/** Package root: this file is dist/bin/dislib.js. */
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function fail(err: unknown): never {
  process.stderr.write(`dislib: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

/**
 * Runs this same command again under {@link WORKER_PROCESS} settings (they must be given when a process
 * starts), forwarding signals, and exits with its status. The child exits if this process dies.
 */
async function relaunchForMemory(): Promise<never> {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [...WORKER_PROCESS.execArgv, ...process.execArgv, script, ...process.argv.slice(2), '--parent', String(process.pid)], {
    stdio: 'inherit',
    env: { ...WORKER_PROCESS.env, ...process.env },
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => child.kill(sig));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, s) => resolve([c, s]));
  });
  process.exit(code ?? (signal !== null ? 128 + (osConstants.signals[signal] ?? 0) : 1));
}

const program = new Command('dislib').description('dislib-ts: distributed machine learning runtime tools').showHelpAfterError();

program
  .command('worker')
  .description('join a driver as a worker (remote mode uses CURVE: the driver must allow this key)')
  .requiredOption('--connect <endpoint>', 'driver endpoint, e.g. tcp://10.0.0.1:7000')
  .option('--key <file>', "this worker's key pair (from `dislib keygen`)")
  .option('--server-key <key>', "the driver's public key (Z85 text or a key file)")
  .option('--advertise-host <host>', 'host or IP other workers use to reach this one (default: first non-internal IPv4)')
  .addOption(new Option('--parent <pid>', 'exit when this process dies').hideHelp())
  .action(async (opts: { connect: string; key?: string; serverKey?: string; advertiseHost?: string; parent?: string }) => {
    if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
      await relaunchForMemory();
      return;
    }
    const pair = opts.key !== undefined ? await readKeyFile(opts.key) : undefined;
    const serverKey = opts.serverKey !== undefined ? await readPublicKey(opts.serverKey) : undefined;
    await runWorker({
      connect: opts.connect,
      ...(pair !== undefined ? { secretKey: pair.secretKey, publicKey: pair.publicKey } : {}),
      ...(serverKey !== undefined ? { serverKey } : {}),
      ...(opts.advertiseHost !== undefined ? { advertiseHost: opts.advertiseHost } : {}),
      ...(opts.parent !== undefined ? { parentPid: Number(opts.parent) } : {}),
    });
  });

program
  .command('keygen')
  .description('write a new CURVE key pair to FILE (mode 0600) and print its public key')
  .requiredOption('--out <file>', 'key file to create')
  .option('--force', 'overwrite an existing file')
  .action(async (opts: { out: string; force?: boolean }) => {
    const pair = generateKeyPair();
    await writeKeyFile(opts.out, pair, { overwrite: opts.force === true });
    process.stdout.write(`${pair.publicKey}\n`);
  });

program
  .command('build-native')
  .description('build the native (OpenBLAS) kernels of this package; fails if they cannot be built')
  .action(async () => {
    const script = join(packageRoot, 'scripts', 'install-native.mjs');
    const child = spawn(process.execPath, [script, '--required'], { cwd: packageRoot, stdio: 'inherit' });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) fail(`native build failed (exit status ${String(code)})`);
  });

program.parseAsync(process.argv).then(() => process.exit(0), fail);
