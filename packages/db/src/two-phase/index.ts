export {
  beginParticipant,
  commitPrepared,
  InvalidGidError,
  listPreparedTransactions,
  maxPreparedTransactions,
  rollbackPrepared,
  type ParticipantSession,
  type PreparedTransaction,
} from "./prepared-transactions.ts";
