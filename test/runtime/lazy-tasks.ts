/**
 * A task module defined through taskModule(): submits carry its URL. Workers may import it only when
 * it is listed in init({ taskModules }), since it lies outside the package's lib folder.
 */
import { taskModule } from '../../lib/runtime/index.js';

const defineTask = taskModule(import.meta.url);

/** URL of this module. */
export const lazyModuleUrl = import.meta.url;

export const triple = defineTask('rtLazy.triple', (a: number) => 3 * a);
