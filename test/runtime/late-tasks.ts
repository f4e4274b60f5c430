/**
 * A task module the task-module test imports only after its cluster started: its URL was never
 * declared to the workers, so they must refuse to import it.
 */
import { taskModule } from '../../lib/runtime/index.js';

const defineTask = taskModule(import.meta.url);

export const quadruple = defineTask('rtLate.quadruple', (a: number) => 4 * a);
