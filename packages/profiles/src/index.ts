export {
  CustomerProfiles,
  type CustomerProfilesOptions,
  type ProfileStore,
  type ProfileUpdateResult,
  type UpdateManyOptions,
} from './customer-profiles.js';
export type { CustomerProfile, ProfileUpdate } from './customer-profile.js';
export { ProfileError, type ProfileErrorCode } from './profile-error.js';
export { profileKey } from './profile-key.js';
export type { LatencyFigures, ProfileLatency } from './profile-latency.js';
