import { z } from 'zod';

/** A JSON object with any members (`data`, `payload`, `attributes`); its size is limited by the app. */
export const jsonObjectSchema = z
  .record(z.string(), z.unknown())
  .meta({ description: 'A JSON object.', examples: [{ orderId: '123', total: 99.5 }] });

/** A JSON object. */
export type JsonObject = Record<string, unknown>;
