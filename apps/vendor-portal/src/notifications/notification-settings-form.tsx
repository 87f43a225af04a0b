"use client";

import { useTRPC } from "@agora/trpc-next/react";
import { Card, EmptyState, FormError } from "@agora/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

const KIND_LABEL = { new_order: "New orders", low_stock: "Low stock", payout: "Payouts" } as const;
const CHANNEL_LABEL = { email: "E-mail", in_app: "In the portal" } as const;

/** The signed-in user's switches: one checkbox per notice kind × channel, saved on change. */
export function NotificationSettingsForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.vendor.notificationSettings.get.queryOptions());
  const save = useMutation(
    trpc.vendor.notificationSettings.set.mutationOptions({
      onSettled: () =>
        queryClient.invalidateQueries({ queryKey: trpc.vendor.notificationSettings.pathKey() }),
    }),
  );
  if (settings.isPending) return <p className="text-sm text-zinc-500">Loading settings…</p>;
  if (settings.isError)
    return (
      <EmptyState tone="error" title="Settings unavailable" description={settings.error.message} />
    );
  const { kinds, channels, enabled } = settings.data;
  return (
    <Card title="Tell me about" description="Changes save at once and apply to the next notice.">
      <table className="text-sm">
        <thead>
          <tr>
            <th className="pr-6 text-left font-medium">Notice</th>
            {channels.map((c) => (
              <th key={c} className="px-3 font-medium">
                {CHANNEL_LABEL[c]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {kinds.map((k) => (
            <tr key={k}>
              <td className="py-1 pr-6">{KIND_LABEL[k]}</td>
              {channels.map((c) => (
                <td key={c} className="px-3 text-center">
                  <input
                    type="checkbox"
                    aria-label={`${KIND_LABEL[k]} by ${CHANNEL_LABEL[c]}`}
                    checked={enabled[k][c]}
                    disabled={save.isPending}
                    onChange={(e) =>
                      save.mutate({ kind: k, channel: c, enabled: e.target.checked })
                    }
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <FormError>{save.error?.message}</FormError>
    </Card>
  );
}
