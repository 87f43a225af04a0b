import { PageHeader } from "@agora/ui";
import { ProductEditor } from "../../../src/products/product-editor.tsx";
import { ProductMediaSection } from "../../../src/products/product-media-section.tsx";
import { VendorShell } from "../../../src/shell/vendor-shell.tsx";

export const metadata = { title: "Edit product" };

export default async function EditProductPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <VendorShell current="/products">
      <PageHeader title="Edit product" />
      <ProductEditor productId={id} />
      <ProductMediaSection productId={id} />
    </VendorShell>
  );
}
