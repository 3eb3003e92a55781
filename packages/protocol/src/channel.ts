import * as z from 'zod';

/** Every delivery channel. `email` and `sms` are accepted now and delivered once their channels ship. */
export const channels = ['in_app', 'webhook', 'email', 'sms'] as const;

/** A delivery channel. */
export type Channel = (typeof channels)[number];

/** A channel name: `in_app`, `webhook`, `email` or `sms`. */
export const channelSchema = z.enum(channels);
