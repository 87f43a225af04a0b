import { signInPage } from "@agora/auth/react";
import type { Metadata } from "next";
import { ACCESS_LABEL, mayUseApp } from "../../src/auth/config.ts";
import { currentSession } from "../../src/auth/session.ts";

export const metadata: Metadata = { title: "Sign in" };

export default signInPage({
  brand: "Agora Vendors",
  destination: "the vendor portal",
  accessLabel: ACCESS_LABEL,
  afterSignOut: "/signin",
  currentSession,
  mayUseApp,
});
