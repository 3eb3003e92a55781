/**
 * Rewrites the sequence numbers stored at `slots` of `seqs` as 0, 1, 2… keeping their
 * relative order, and returns the next free sequence number. The heaps keep sequence
 * numbers in a Uint32Array (half the memory traffic of doubles, measurably faster) and
 * call this in the rare case the counter reaches 2^32 while the queue never emptied.
 *
 * @example
 * const seqs = Uint32Array.of(90, 7, 4_000_000_000);
 * renumberSequences(seqs, [0, 1, 2]); // 3; seqs is now [1, 0, 2]
 */
export function renumberSequences(seqs: Uint32Array, slots: Iterable<number>): number {
  const order = Array.from(slots).sort((a, b) => (seqs[a] as number) - (seqs[b] as number));
  for (let rank = 0; rank < order.length; rank++) seqs[order[rank] as number] = rank;
  return order.length;
}
