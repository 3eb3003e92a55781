import * as z from 'zod';
import { epochMsSchema, subjectIdSchema } from './identifiers.js';
import { jsonObjectSchema } from './json-object.js';
import { localeSchema } from './locale.js';
import { timeZoneSchema } from './time-zone.js';

const profileFields = {
  name: z.string().max(200).nullable(),
  email: z
    .email({ error: (issue) => (issue.code === 'invalid_format' ? 'invalid email address' : undefined) })
    .max(254)
    .nullable(),
  phone: z
    .string()
    .regex(/^\+?[0-9 ()./-]{3,32}$/, { message: 'invalid phone number' })
    .nullable(),
  locale: localeSchema.nullable(),
  timezone: timeZoneSchema.nullable(),
  ownerId: subjectIdSchema
    .nullable()
    .meta({ description: 'The customer’s owner (sales rep), a subscriber id.' }),
};

/**
 * A customer profile at one version, as the CRM sends it: the body of `PUT /v1/customers/{id}`
 * and the `customer` member of an event. It replaces the stored profile (a field left out becomes
 * `null`, as `@herald/profiles` writes it). `version` orders concurrent writes: a write whose
 * version is not above the stored one is ignored; left out, the server uses the time it received
 * the write (epoch ms).
 */
export const customerUpdateSchema = z
  .strictObject({
    name: profileFields.name.optional(),
    email: profileFields.email.optional(),
    phone: profileFields.phone.optional(),
    locale: profileFields.locale.optional(),
    timezone: profileFields.timezone.optional(),
    ownerId: profileFields.ownerId.optional(),
    attributes: jsonObjectSchema.optional(),
    version: z.int().min(0).optional().meta({ description: 'Newer writes carry larger versions.' }),
  })
  .meta({ description: 'A whole profile at one version; a field left out becomes null.' });

/** A customer profile write. */
export type CustomerUpdate = z.output<typeof customerUpdateSchema>;

/** A customer profile as Herald keeps it (the store's `customers` row, without the tenant). */
export const customerProfileSchema = z
  .object({
    id: subjectIdSchema,
    ...profileFields,
    attributes: jsonObjectSchema,
    version: z.int().min(0),
    updatedAt: epochMsSchema,
  })
  .meta({ description: 'A customer profile.' });

/** A customer profile. */
export type CustomerProfile = z.output<typeof customerProfileSchema>;
