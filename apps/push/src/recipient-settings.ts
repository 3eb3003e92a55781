import type { EvaluationContext } from '@herald/rules';
import type { Store, Subscriber } from '@herald/store';

/**
 * The locale and time zone of each recipient of one event, as the tenant's backend set them
 * (`PUT /v1/subscribers/:id`), for the rules to pick a template variant and format dates: each
 * subscriber read from the store once, however many times evaluation asks.
 *
 * @example
 * evaluate(ruleSet, event, { customer, ...recipientSettings(store, event.tenant) });
 */
export function recipientSettings(
  store: Store,
  tenant: string,
): Required<Pick<EvaluationContext, 'recipientLocale' | 'recipientTimeZone'>> {
  const read = new Map<string, Subscriber | undefined>();
  const subscriber = (id: string): Subscriber | undefined => {
    if (!read.has(id)) read.set(id, store.subscribers.get(tenant, id));
    return read.get(id);
  };
  return {
    recipientLocale: (id) => subscriber(id)?.locale ?? undefined,
    recipientTimeZone: (id) => subscriber(id)?.timezone ?? undefined,
  };
}
