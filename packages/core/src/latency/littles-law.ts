import { CoreError } from '../core-error.js';

/** The three quantities of Little's law L = λW, in any consistent time unit. */
export interface LittlesLaw {
  /** λ: arrivals per unit of time. */
  arrivalRate: number;
  /** W: mean time an item spends in the system. */
  meanTime: number;
  /** L: mean number of items in the system. */
  meanNumber: number;
}

/**
 * Little's law L = λW: give exactly two of the three quantities, get all three back.
 * Holds for any stable system, whatever the arrival and service distributions.
 *
 * @example
 * littlesLaw({ arrivalRate: 200, meanTime: 0.05 }).meanNumber; // 10 requests in flight
 */
export function littlesLaw(known: Partial<LittlesLaw>): LittlesLaw {
  const given = (['arrivalRate', 'meanTime', 'meanNumber'] as const).filter(
    (key) => known[key] !== undefined,
  );
  if (given.length !== 2) {
    throw new CoreError(
      'INVALID_ARGUMENT',
      `give exactly two of arrivalRate, meanTime, meanNumber; got ${given.length}`,
    );
  }
  for (const key of given) {
    const value = known[key];
    if (!(value !== undefined && value >= 0 && Number.isFinite(value))) {
      throw new CoreError('INVALID_ARGUMENT', `${key} must be a finite number ≥ 0, got ${value}`);
    }
  }
  const { arrivalRate, meanTime, meanNumber } = known;
  if (meanNumber === undefined) {
    return { arrivalRate: arrivalRate!, meanTime: meanTime!, meanNumber: arrivalRate! * meanTime! };
  }
  if (arrivalRate === undefined) {
    if (meanTime === 0) throw new CoreError('INVALID_ARGUMENT', 'meanTime must be > 0 to derive arrivalRate');
    return { arrivalRate: meanNumber / meanTime!, meanTime: meanTime!, meanNumber };
  }
  if (arrivalRate === 0)
    throw new CoreError('INVALID_ARGUMENT', 'arrivalRate must be > 0 to derive meanTime');
  return { arrivalRate, meanTime: meanNumber / arrivalRate, meanNumber };
}
