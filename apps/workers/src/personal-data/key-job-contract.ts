/** The personal-data key job: a job of the maintenance pool's queue (PAYOUTS_QUEUE), on demand. */
export const PERSONAL_DATA_KEYS_JOB = "personal-data-keys";
