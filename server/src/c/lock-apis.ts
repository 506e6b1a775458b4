// The lock API names `mmlock stats` counts. For now a fixed list taken from the reference notes
// (lock-api-names.json); the model's profile API table is meant to replace it.
import data from './lock-api-names.json';

export const LOCK_API_NAMES: ReadonlySet<string> = new Set<string>(data.names);
