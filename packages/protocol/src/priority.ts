import * as z from 'zod';

/** Every priority, most urgent first. */
export const priorities = ['critical', 'high', 'normal', 'low'] as const;

/** How urgent a notification is. */
export type Priority = (typeof priorities)[number];

/** A priority name: `critical`, `high`, `normal` or `low`. */
export const prioritySchema = z.enum(priorities);

const ranks: Record<Priority, number> = { critical: 3, high: 2, normal: 1, low: 0 };

/**
 * The integer the store and the priority heap order by: larger is more urgent.
 *
 * @example
 * priorityRank('high') // 2
 * priorityRank('low') // 0
 */
export function priorityRank(priority: Priority): number {
  return ranks[priority];
}

/**
 * The priority for a stored rank; ranks outside 0–3 clamp to `low` or `critical`.
 *
 * @example
 * priorityFromRank(2) // 'high'
 */
export function priorityFromRank(rank: number): Priority {
  if (rank >= 3) return 'critical';
  if (rank >= 2) return 'high';
  if (rank >= 1) return 'normal';
  return 'low';
}
