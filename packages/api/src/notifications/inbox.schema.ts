import { z } from "zod";

export const inboxInput = z
  .object({
    /** Opaque cursor from the previous page's `nextCursor`. */
    cursor: z.string().min(1).max(200).optional(),
    limit: z.number().int().min(1).max(50).default(20),
  })
  .optional();
export type InboxInput = z.infer<typeof inboxInput>;

export const markReadInput = z.object({
  ids: z.array(z.uuid()).min(1).max(100),
});
export type MarkReadInput = z.infer<typeof markReadInput>;

export interface InboxItem {
  id: string;
  kind: string;
  title: string;
  body: string;
  orderId: string | null;
  link: string | null;
  readAt: Date | null;
  createdAt: Date;
}

export interface InboxPage {
  items: InboxItem[];
  nextCursor: string | null;
  unread: number;
}
