/** The gateway's protocol lives with its browser client's in `@agora/api/live`. */
export * from "@agora/api/live";
