// Advisory lock keys: (class, id). The class spells 'apmd'.
export const LOCK_CLASS = 0x61706d64;
/** Held while the schema is migrated. */
export const MIGRATION_LOCK = 1;
/** Taken first by every resource transaction, so they are serialized across processes. */
export const WRITE_LOCK = 2;
