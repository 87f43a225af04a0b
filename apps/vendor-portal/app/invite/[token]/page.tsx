import { AppShell, Card, EmptyState } from "@agora/ui";
import { TRPCError } from "@trpc/server";
import { AcceptInvitation } from "../../../src/staff/accept-invitation.tsx";
import { api } from "../../../src/trpc/server.tsx";

export const metadata = { title: "Join a shop" };

const STATUS_TEXT = {
  accepted: "This invitation was already used. Sign in with the account that accepted it.",
  revoked: "The shop withdrew this invitation.",
  expired: "This invitation has expired. Ask the shop owner to invite you again.",
} as const;

/**
 * The page an invitation e-mail links to. Outside proxy.ts: it opens without a session, and with
 * a session of any account (a shopper's, before the grant), which `invitations.get` compares with
 * the invitation's address.
 */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  let invitation;
  try {
    invitation = await (await api()).invitations.get({ token });
  } catch (err) {
    if (!(err instanceof TRPCError) || !["NOT_FOUND", "BAD_REQUEST"].includes(err.code)) throw err;
    invitation = null;
  }
  return (
    <AppShell title="Agora" subtitle="Vendor portal">
      <div className="mx-auto max-w-md">
        {!invitation ? (
          <EmptyState
            tone="error"
            title="Invitation not found"
            description="This link is not valid. Check that you copied all of it."
          />
        ) : invitation.status !== "open" ? (
          <EmptyState
            tone="error"
            title={`Invitation ${invitation.status}`}
            description={STATUS_TEXT[invitation.status]}
          />
        ) : (
          <Card
            title={`Join ${invitation.shop}`}
            description="You were invited to help run this shop as staff."
          >
            <AcceptInvitation
              token={token}
              email={invitation.email}
              shop={invitation.shop}
              existingAccount={invitation.existingAccount}
              viewer={invitation.viewer}
            />
          </Card>
        )}
      </div>
    </AppShell>
  );
}
