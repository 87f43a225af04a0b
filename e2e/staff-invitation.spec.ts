import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { emailIndex } from "@agora/secrets";
import { topology } from "../infra/local/src/topology.ts";
import { expect, test } from "./support/fixtures.ts";
import { portalUrl, signInToPortal, vendorAt } from "./support/portal.ts";
import { db, signUp, uniqueEmail } from "./support/shop.ts";
import { appOrigins, signInAtProvider } from "./support/sign-in.ts";

/** The password `signUp` (support/shop.ts) gives the accounts it creates. */
const SIGN_UP_PASSWORD = "journey-passphrase";

/**
 * The link of the open invitation to `email`, read where the invitee would: the mail the
 * notifications pipeline wrote to the simulated mailbox (`<stateDir>/mailbox/email/<delivery>.json`).
 */
async function invitationLink(email: string): Promise<string> {
  const index = await emailIndex(email);
  let body = "";
  await expect
    .poll(
      async () => {
        const rows = await db().primary.$queryRawUnsafe<{ delivery: string }[]>(
          `SELECT d.id::text AS delivery FROM staff_invitations i
             JOIN notification_deliveries d ON d.source_key = 'staff-invitation:' || i.id::text
            WHERE i.email_index = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL`,
          index,
        );
        const file = rows[0]
          ? join(topology("test").stateDir, "mailbox", "email", `${rows[0].delivery}.json`)
          : null;
        if (!file || !existsSync(file)) return false;
        body = (JSON.parse(readFileSync(file, "utf8")) as { body: string }).body;
        return true;
      },
      { timeout: 60_000, message: `the invitation mail to ${email}` },
    )
    .toBe(true);
  const token = /\/invite\/([A-Za-z0-9_-]{43})/.exec(body)?.[1];
  if (!token) throw new Error(`no invitation link in ${body}`);
  return portalUrl(`/invite/${token}`);
}

/**
 * A shop owner invites someone who already shops on Agora. The invitee opens the link, signs in
 * at Agora's identity provider (already signed in there from the shop, so no password), accepts on
 * the link's page, signs in once more for the new role and lands in the vendor portal as staff.
 * The password is only ever typed at the provider; the owner, signed in as another account, is
 * told the link is not theirs.
 */
test("an existing shopper accepts a staff invitation signed in at the provider and lands in the portal as staff", async ({
  page,
  newPage,
}) => {
  const vendor = await vendorAt(3);
  const email = uniqueEmail("invitee");
  const invitee = await newPage();
  await signUp(invitee, email);
  const passwordPosts: string[] = [];
  invitee.on("request", (r) => {
    if (r.method() === "POST" && /\/interaction\/[^/]+\/login$/.test(r.url()))
      passwordPosts.push(r.url());
  });
  const portalPosts: string[] = [];
  invitee.on("request", (r) => {
    if (r.method() === "POST" && r.url().startsWith(appOrigins().vendorPortal))
      portalPosts.push(r.postData() ?? "");
  });

  await signInToPortal(page, vendor.owner, "/staff");
  await page.getByLabel("E-mail to invite").fill(email);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByRole("status")).toHaveText("Invitation sent.");
  const link = await invitationLink(email);

  // The owner is signed in as another account: the page says whose invitation it is.
  await page.goto(link);
  await expect(page.getByText("you are signed in as another account")).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign out" }).first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Accept invitation" })).toHaveCount(0);

  await invitee.goto(link);
  await invitee.getByRole("button", { name: `Sign in as ${email} to accept` }).click();
  await expect(invitee).toHaveURL(link, { timeout: 30_000 });
  expect(passwordPosts).toHaveLength(0);
  await invitee.getByRole("button", { name: "Accept invitation" }).click();
  await expect(invitee.getByRole("status")).toContainText("You are now staff of");

  // The grant ended the shopper's sessions (the provider's too): one more sign-in, for the role.
  await invitee.getByRole("button", { name: `Sign in as ${email}`, exact: true }).click();
  await signInAtProvider(invitee, email, SIGN_UP_PASSWORD);
  await expect(invitee).toHaveURL(portalUrl("/"), { timeout: 30_000 });
  await expect(invitee.getByTestId("user-menu")).toContainText("Staff");
  expect(passwordPosts).toHaveLength(1);
  // No password went to the portal itself.
  expect(portalPosts.filter((b) => b.includes(SIGN_UP_PASSWORD))).toEqual([]);

  await page.goto(portalUrl("/staff"));
  await expect(page.getByText(email)).toBeVisible({ timeout: 30_000 });
});
