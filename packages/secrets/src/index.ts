export * from "./errors.ts";
export * from "./provider.ts";
export { fileSecretsProvider, type FileSecretsProviderOptions } from "./file/file-provider.ts";
export {
  BLIND_INDEX_KEY,
  erasureSecretPath,
  type FieldContext,
  normaliseForIndex,
  openField,
  PII_KEY,
  PersonalDataCipher,
  sealField,
  type SubjectKey,
} from "./envelope/envelope.ts";
export { type ClientsStore, identityClientsStore, secretsFromEnv } from "./from-env.ts";
export {
  emailIndex,
  openEmail,
  personalDataCipher,
  type SealedEmailColumns,
  sealEmail,
  type StoredEmail,
} from "./envelope/sealed-email.ts";
export {
  type DeliveryColumn,
  openDeliveryField,
  rewrapDeliveryField,
  sealDeliveryField,
} from "./envelope/sealed-delivery.ts";
export {
  DELETED_CUSTOMER,
  openUserName,
  sealUserName,
  type StoredName,
  userKey,
  userNameField,
} from "./envelope/sealed-user.ts";
