/**
 * Runs `task` over `items` with at most `concurrency` running at once, results in input
 * order. On the first rejection it starts nothing more, waits for the running ones to
 * settle, and rejects with that first error.
 *
 * A pool of `concurrency` workers pulling the next index: the whole of what a limiter such
 * as p-limit would do here, without its queue of closures or a dependency.
 */
export async function runBounded<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index]!, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}
