import { PageHeader } from "@agora/ui";
import Link from "next/link";
import { ProductList } from "../../src/products/product-list.tsx";
import { VendorShell } from "../../src/shell/vendor-shell.tsx";

export const metadata = { title: "Products" };

export default function ProductsPage() {
  return (
    <VendorShell current="/products">
      <PageHeader
        title="Products"
        description="Your catalogue, newest first."
        actions={<Link className="rounded bg-zinc-900 px-3 py-2 text-sm text-white dark:bg-zinc-100 dark:text-zinc-900" href="/products/new">New product</Link>}
      />
      <ProductList />
    </VendorShell>
  );
}
