import * as z from 'zod';
import { subjectIdSchema, tenantIdSchema } from './identifiers.js';

/** Every scope a subscriber token can grant. Without `scopes`, a token grants all of them. */
export const subscriberScopes = ['inbox:read', 'inbox:write', 'stream'] as const;

/** What a subscriber token lets its holder do. */
export type SubscriberScope = (typeof subscriberScopes)[number];

/**
 * The claims of a subscriber token (a JWT the gateway signs and verifies): whose inbox (`tenant`
 * + `sub`), until when (`exp`, seconds since the epoch), and optionally what for.
 */
export const subscriberTokenClaimsSchema = z.object({
  tenant: tenantIdSchema,
  sub: subjectIdSchema,
  iat: z.int().min(0),
  exp: z.int().min(0),
  scopes: z.array(z.enum(subscriberScopes)).optional(),
  jti: z.string().max(128).optional(),
});

/** The claims of a subscriber token. */
export type SubscriberTokenClaims = z.output<typeof subscriberTokenClaimsSchema>;

/** `POST /v1/subscribers/{id}/token`: how long the token lives and what it may do. */
export const subscriberTokenRequestSchema = z
  .strictObject({
    ttlSeconds: z
      .int()
      .min(60)
      .max(86_400 * 30)
      .default(3600),
    scopes: z.array(z.enum(subscriberScopes)).min(1).optional(),
  })
  .meta({ description: 'A token for one subscriber’s inbox and live stream.' });

/** What `POST /v1/subscribers/{id}/token` answers. */
export const subscriberTokenResponseSchema = z
  .object({
    token: z.string(),
    expiresAt: z.int().min(0).meta({ description: 'Epoch milliseconds.' }),
  })
  .meta({ description: 'A signed subscriber token.' });

/** What a token request answers. */
export type SubscriberTokenResponse = z.output<typeof subscriberTokenResponseSchema>;
