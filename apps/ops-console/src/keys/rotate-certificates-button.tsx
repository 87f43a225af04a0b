"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "@agora/trpc-next/react";
import { ActionButton } from "../shell/action-button.tsx";

/** Issues new server certificates and reloads the servers; the table then shows the new serials. */
export function RotateCertificatesButton() {
  const trpc = useTRPC();
  const router = useRouter();
  const rotate = useMutation({
    ...trpc.ops.certificates.rotate.mutationOptions(),
    onSuccess: () => router.refresh(),
  });
  return (
    <ActionButton
      label="Rotate server certificates"
      pendingLabel="Rotating…"
      action={rotate}
      onClick={() => rotate.mutate()}
      done={() =>
        `${rotate.data?.rotated} certificates issued; ${rotate.data?.reloaded.length} servers reloaded without dropping a connection.`
      }
    />
  );
}
