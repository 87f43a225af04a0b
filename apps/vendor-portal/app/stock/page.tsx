import { PageHeader } from "@agora/ui";
import { VendorShell } from "../../src/shell/vendor-shell.tsx";
import { StockBoard } from "../../src/stock/stock-board.tsx";

export const metadata = { title: "Stock" };

export default function StockPage() {
  return (
    <VendorShell current="/stock">
      <PageHeader title="Stock" description="Per warehouse: adjust with a reason, or transfer between warehouses." />
      <StockBoard />
    </VendorShell>
  );
}
