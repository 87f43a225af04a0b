import type { ReactNode } from "react";
import { TRPCReactProvider } from "./react.tsx";

/** The document every app's root layout renders: its pages inside the tRPC + React Query provider. */
export function RootDocument({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
