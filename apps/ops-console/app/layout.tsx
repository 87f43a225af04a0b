import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { RootDocument } from "@agora/trpc-next/root-document";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Agora Ops", template: "%s · Agora Ops" },
  description: "Operate the Agora topology.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return <RootDocument>{children}</RootDocument>;
}
