import { z } from "zod";

/** Erasure is confirmed by the account's password, typed again. */
export const deleteAccountInput = z.object({ password: z.string().min(1).max(200) });
export type DeleteAccountInput = z.infer<typeof deleteAccountInput>;

export interface PrivacyRequestView {
  requestId: string;
  kind: "export" | "erasure";
  status: string;
  step: string | null;
  progress: number;
  createdAt: Date;
  finishedAt: Date | null;
  /** Export only: until when the file can be downloaded (then it is deleted). */
  expiresAt: Date | null;
  /** Export only, once done: the storefront route that serves the file to its owner. */
  downloadPath: string | null;
}
