/**
 * Errors specific to ds-arrays.
 */
import { DislibError } from '../errors.js';

/**
 * An operation is not defined for sparse (CSR) ds-arrays, e.g. one that would fill every implicit
 * zero (`exp`, adding a non-zero scalar) or mix sparse and dense operands. Convert first with
 * `toDense()`. `context.operation` names the operation.
 */
export class SparseUnsupportedError extends DislibError {
  constructor(operation: string, why: string) {
    super(`${operation} is not supported on sparse ds-arrays: ${why} (convert with toDense() first)`, { operation });
  }
}
