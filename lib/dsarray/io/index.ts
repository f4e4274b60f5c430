/**
 * Parallel loaders and savers of ds-arrays: text (CSV), numpy `.npy`, svmlight and HDF5.
 *
 * @packageDocumentation
 */
export { loadTxtFile, load_txt_file, type LoadTxtOptions } from './txt.js';
export { loadNpyFile, saveNpy } from './npy.js';
export { loadSvmlightFile, type LoadSvmlightOptions } from './svmlight.js';
export { loadHdf5 } from './hdf5.js';
export { saveTxt, type SaveTxtOptions } from './save-txt.js';
