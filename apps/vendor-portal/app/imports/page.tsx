import { PageHeader } from "@agora/ui";
import { ImportPanel } from "../../src/imports/import-panel.tsx";
import { VendorShell } from "../../src/shell/vendor-shell.tsx";

export const metadata = { title: "Import" };

export default function ImportsPage() {
  return (
    <VendorShell current="/imports">
      <PageHeader title="Import products and stock" description="Upload a CSV; it runs in the background and you can follow it here." />
      <ImportPanel />
    </VendorShell>
  );
}
