/**
 * Preprocessing of ds-arrays: column scalers.
 *
 * @packageDocumentation
 */
export { MinMaxScaler, type MinMaxScalerOptions, type MinMaxScalerParams, type MinMaxScalerState } from './minmax.js';
export { StandardScaler, type StandardScalerOptions, type StandardScalerParams, type StandardScalerState } from './standard.js';
