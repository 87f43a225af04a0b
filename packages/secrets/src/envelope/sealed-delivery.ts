/**
 * Outgoing messages that carry a secret or an address (a staff invitation's live link) are stored
 * encrypted by transit directly (`vault:v<N>:…` under `pii`, bound to the delivery row and
 * column) until the channel sends them: a delivery has no subject of its own to hold a data key,
 * and is short-lived. Unsealed values (ordinary notices) pass through unchanged.
 */
import { secretsFromEnv } from "../from-env.ts";
import { ciphertextVersion } from "../provider.ts";
import { PII_KEY } from "./envelope.ts";
import { personalDataCipher } from "./sealed-email.ts";

export type DeliveryColumn = "recipient" | "body";

const aad = (deliveryId: string, column: DeliveryColumn) =>
  Buffer.from(`agora/notification_deliveries/${column}/${deliveryId}`);

export async function sealDeliveryField(deliveryId: string, column: DeliveryColumn, value: string): Promise<string> {
  await personalDataCipher(); // creates the `pii` key on first use
  return secretsFromEnv().transit.encrypt(PII_KEY, Buffer.from(value, "utf8"), { associatedData: aad(deliveryId, column) });
}

export async function openDeliveryField(deliveryId: string, column: DeliveryColumn, stored: string): Promise<string> {
  if (ciphertextVersion(stored) === null) return stored;
  const plain = await secretsFromEnv().transit.decrypt(PII_KEY, stored, { associatedData: aad(deliveryId, column) });
  return plain.toString("utf8");
}

export function rewrapDeliveryField(deliveryId: string, column: DeliveryColumn, stored: string): Promise<string> {
  return secretsFromEnv().transit.rewrap(PII_KEY, stored, { associatedData: aad(deliveryId, column) });
}
