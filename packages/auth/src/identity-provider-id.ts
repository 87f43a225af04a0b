/** next-auth's id of Agora's identity provider: the callback path is `/api/auth/callback/agora`. */
export const IDENTITY_PROVIDER_ID = "agora";
