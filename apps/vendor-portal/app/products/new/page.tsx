import { PageHeader } from "@agora/ui";
import { ProductEditor } from "../../../src/products/product-editor.tsx";
import { VendorShell } from "../../../src/shell/vendor-shell.tsx";

export const metadata = { title: "New product" };

export default function NewProductPage() {
  return (
    <VendorShell current="/products">
      <PageHeader title="New product" />
      <ProductEditor />
    </VendorShell>
  );
}
