/** Backend selection through DISLIB_KERNELS, observed in fresh processes (the choice is made once per process). */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { registeredBackends } from '../../lib/kernels/index.js';

const run = promisify(execFile);
const distLib = fileURLToPath(new URL('../../lib/', import.meta.url));

/**
 * What kernelBackend() gives (or the error it throws) in a process with DISLIB_KERNELS set to `value`,
 * importing the kernel entry module from the compiled tree `lib` (this one unless given).
 */
async function backendWith(value: string | undefined, lib = distLib): Promise<string> {
  const entry = JSON.stringify(pathToFileURL(join(lib, 'kernels', 'index.js')).href);
  const probe = `import(${entry}).then((k) => { try { console.log(k.kernelBackend()); } catch (e) { console.log(e.name + ': ' + e.message); } })`;
  const env = { ...process.env };
  delete env['DISLIB_KERNELS'];
  if (value !== undefined) env['DISLIB_KERNELS'] = value;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe], { env });
  return stdout.trim();
}

describe('kernel backend selection (DISLIB_KERNELS)', function () {
  this.timeout(30_000);
  const nativeLoaded = registeredBackends().includes('native');

  it('defaults to native when the addon loaded, else js', async () => {
    expect(await backendWith(undefined)).to.equal(nativeLoaded ? 'native' : 'js');
  });

  it('DISLIB_KERNELS=js forces the TypeScript kernels', async () => {
    expect(await backendWith('js')).to.equal('js');
  });

  it('DISLIB_KERNELS=native uses the addon, or names the path tried and the rebuild command', async () => {
    const got = await backendWith('native');
    if (nativeLoaded) expect(got).to.equal('native');
    else expect(got).to.match(/^NativeUnavailableError: .*dislib_native\.node.*npx dislib build-native/);
  });

  it('without the addon: js by default, and DISLIB_KERNELS=native names the path tried and the rebuild command', async () => {
    // A copy of the compiled kernels in a package root that has no build/ directory.
    const root = await mkdtemp(join(tmpdir(), 'dislib-kernels-'));
    try {
      const lib = join(root, 'dist', 'lib');
      await cp(join(distLib, 'kernels'), join(lib, 'kernels'), { recursive: true });
      await cp(join(distLib, 'errors.js'), join(lib, 'errors.js'));
      await symlink(fileURLToPath(new URL('../../../node_modules', import.meta.url)), join(root, 'node_modules'), 'dir');
      expect(await backendWith(undefined, lib)).to.equal('js');
      const missing = join(root, 'build', 'Release', 'dislib_native.node');
      expect(await backendWith('native', lib)).to.equal(
        `NativeUnavailableError: native kernels are not available (could not load ${missing}: Cannot find module '${missing}'); ` +
          'rebuild them with `npx dislib build-native`',
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('rejects any other value with a ParameterError', async () => {
    expect(await backendWith('gpu')).to.equal("ParameterError: DISLIB_KERNELS: expected 'js' or 'native', got 'gpu'");
  });
});
