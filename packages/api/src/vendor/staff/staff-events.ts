/**
 * The staff invitation event on the core outbox: topic `staff`, event `StaffInvited`. It carries
 * the id of the e-mail delivery written in the same transaction (never the token): the
 * vendor-notices consumer in apps/workers hands that delivery to the e-mail channel.
 */
import { z } from "zod";

export const STAFF_TOPIC = "staff";
export const STAFF_INVITED = "StaffInvited";

export const staffInvitedSchema = z.object({
  invitationId: z.uuid(),
  vendorId: z.uuid(),
  deliveryId: z.uuid(),
});
export type StaffInvited = z.infer<typeof staffInvitedSchema>;
