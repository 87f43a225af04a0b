import "server-only";

import { getSession } from "@agora/auth";
import { headers } from "next/headers";
import { cache } from "react";
import { authConfig } from "./config.ts";

/** The signed-in user of this request (server components), decoded once per request. */
export const currentSession = cache(async () =>
  getSession({ headers: new Headers(await headers()) }, authConfig()),
);
