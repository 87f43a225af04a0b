import { AppShell } from "@agora/ui";
import type { ReactNode } from "react";
import { UserMenu } from "../auth/user-menu.tsx";
import { CartLink } from "../cart/cart-link.tsx";
import { SearchBox } from "../search/search-box.tsx";
import { api, orUnavailable } from "../trpc/server.tsx";

/** Every shop page: header with search, cart, account, and the category navigation. */
export async function StoreShell({
  children,
  currentCategory,
  query,
}: {
  children: ReactNode;
  currentCategory?: string;
  query?: string;
}) {
  const home = await orUnavailable((await api()).catalog.home());
  const categories = home.ok ? home.data.categories : [];
  return (
    <AppShell
      title="Agora"
      subtitle="Marketplace"
      nav={[
        { href: "/", label: "Shop", current: !currentCategory && query === undefined },
        ...categories.map((c) => ({
          href: `/c/${c.slug}`,
          label: c.name,
          current: c.slug === currentCategory,
        })),
      ]}
      actions={
        <>
          <CartLink />
          <UserMenu />
        </>
      }
      toolbar={<SearchBox initial={query ?? ""} />}
      footer="Agora — every vendor's catalogue lives on its own shard."
    >
      {children}
    </AppShell>
  );
}
