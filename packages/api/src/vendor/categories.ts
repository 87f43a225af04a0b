/** Categories a product can be filed under (platform-wide, from core). */
import { core } from "@agora/db";

export async function listCategories() {
  const { value } = await core().read({ level: "eventual" }, (db) =>
    db.category.findMany({ select: { slug: true, name: true }, orderBy: { name: "asc" } }),
  );
  return value;
}
