/**
 * The built-in task modules: every worker imports these at start so that the task names the driver
 * submits resolve to the same registered functions on both sides. Add one line per task module.
 */
export const builtinTaskModules: readonly string[] = [
  './dsarray/tasks.js',
  './dsarray/io/tasks.js',
  './cluster/kmeans/tasks.js',
  './datasets/tasks.js',
  './model_selection/tasks.js',
];
