/**
 * Task module registration: tasks carry their module URL and workers import it on first use; a module
 * outside the package is imported only when the driver listed it at welcome (init({ taskModules }) or
 * declared by taskModule() before the workers joined); no stack traces.
 */
import { expect } from 'chai';
import { KMeans, ParameterError, array, defineTask, get, submit, taskModule } from '../../lib/index.js';
import { taskFailure, withCluster } from './helpers.js';
import { lazyModuleUrl, triple } from './lazy-tasks.js';

describe('task modules', function () {
  this.timeout(60_000);

  it('records the module URL given to taskModule(), and none for defineTask()', () => {
    expect(triple.module).to.equal(lazyModuleUrl);
    expect(defineTask('rtLazy.plain', () => 1).module).to.equal(undefined);
    expect(() => taskModule('not a url')).to.throw(ParameterError);
    expect(() => taskModule('https://example.com/tasks.js')).to.throw(ParameterError);
  });

  it('imports a library task module on first use (no central list)', async () => {
    await withCluster({ workers: 1 }, async () => {
      const km = await new KMeans({ nClusters: 1, init: [[0]] }).fit(array([[1], [3]], [1, 1]));
      expect(km.clusterCenters).to.deep.equal([[2]]);
    });
  });

  it('imports a module declared before the workers joined, and refuses one declared after', async () => {
    await withCluster({ workers: 1 }, async () => {
      expect(await get(submit(triple, [2]))).to.equal(6);
      const { quadruple } = await import('./late-tasks.js');
      const err = await taskFailure(submit(quadruple, [2]));
      expect(err.message).to.match(/neither part of dislib-ts nor listed by the driver/);
    });
    await withCluster({ workers: 1 }, async () => {
      const { quadruple } = await import('./late-tasks.js');
      expect(await get(submit(quadruple, [2]))).to.equal(8);
    });
  });
});
