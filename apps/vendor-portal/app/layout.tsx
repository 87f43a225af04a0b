import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { TRPCReactProvider } from "@agora/trpc-next/react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Agora Vendors", template: "%s · Agora Vendors" },
  description: "Manage your shop on Agora.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
