import { z } from "zod";

export const signUpInput = z.object({
  email: z.email().trim().toLowerCase().max(254),
  name: z.string().trim().min(1).max(100),
  // Long passphrases are fine; scrypt's cost does not depend on the length.
  password: z.string().min(8).max(200),
});
