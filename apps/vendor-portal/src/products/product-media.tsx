"use client";

import { Badge, Card, EmptyState, Notice, type NoticeMessage, ProgressBar } from "@agora/ui";
import { useTRPC } from "@agora/trpc-next/react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { uploadWithProgress } from "./upload-with-progress.ts";

const ACCEPT = "image/jpeg,image/png,image/webp";
const button =
  "rounded border border-zinc-300 px-2 py-1 text-xs disabled:opacity-40 dark:border-zinc-700";

interface Upload {
  name: string;
  percent: number;
}

/**
 * A product's images: drop or choose files (uploaded one by one with progress, resized on the
 * server), reorder, make one primary, delete. Every change is saved at once as a new product version.
 */
export function ProductMediaPanel({ productId, cdnUrl }: { productId: string; cdnUrl: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const media = useQuery(trpc.vendor.media.list.queryOptions({ productId }));
  const [upload, setUpload] = useState<Upload | null>(null);
  const [message, setMessage] = useState<NoticeMessage | null>(null);
  const [dragging, setDragging] = useState(false);

  // The product's version changes with its images: reload it so the editor saves on top of it.
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.vendor.media.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.vendor.products.pathKey() }),
    ]);
  const onError = (err: unknown) =>
    setMessage({ tone: "error", text: err instanceof Error ? err.message : String(err) });
  const reorder = useMutation(
    trpc.vendor.media.reorder.mutationOptions({ onSuccess: refresh, onError }),
  );
  const remove = useMutation(
    trpc.vendor.media.delete.mutationOptions({
      onSuccess: async (r) => {
        const failed = r.purge.filter((p) => p.error);
        setMessage(
          failed.length
            ? {
                tone: "error",
                text: `Deleted, but the CDN could not be purged for ${failed.length} file(s); it may show the old image for a while.`,
              }
            : { tone: "ok", text: "Image deleted and removed from the CDN." },
        );
        await refresh();
      },
      onError,
    }),
  );

  async function uploadFiles(files: File[]) {
    setMessage(null);
    for (const file of files) {
      setUpload({ name: file.name, percent: 0 });
      try {
        const res = await uploadWithProgress(`/api/products/${productId}/media`, file, (f) =>
          setUpload({ name: file.name, percent: Math.round(f * 100) }),
        );
        if (!res.ok) {
          setMessage({
            tone: "error",
            text: `${file.name}: ${res.body.error ?? `upload failed (${res.status})`}`,
          });
          break;
        }
        await refresh();
      } catch (err) {
        onError(err);
        break;
      } finally {
        setUpload(null);
      }
    }
  }

  const items = media.data?.images ?? [];
  const ids = items.map((m) => m.id);
  const move = (from: number, to: number) => {
    const next = [...ids];
    const [id] = next.splice(from, 1);
    next.splice(to, 0, id!);
    reorder.mutate({ productId, mediaIds: next });
  };
  const busy = upload !== null || reorder.isPending || remove.isPending;

  return (
    <Card
      className="mt-6"
      title="Images"
      description="JPEG, PNG or WebP up to 15 MB, at least 200×150 px. Changes are saved immediately; the first image is the primary one."
    >
      {media.error ? (
        <EmptyState tone="error" title="Images unavailable" description={media.error.message} />
      ) : null}
      <label
        className={`flex cursor-pointer flex-col items-center justify-center gap-1 rounded-lg border-2 border-dashed p-6 text-sm ${dragging ? "border-emerald-500 bg-emerald-50 dark:bg-emerald-950" : "border-zinc-300 dark:border-zinc-700"}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          if (!busy) void uploadFiles([...e.dataTransfer.files]);
        }}
      >
        <span>Drop images here or choose files</span>
        <input
          type="file"
          accept={ACCEPT}
          multiple
          disabled={busy}
          className="text-xs"
          aria-label="Upload images"
          onChange={(e) => {
            const files = [...(e.currentTarget.files ?? [])];
            e.currentTarget.value = "";
            void uploadFiles(files);
          }}
        />
      </label>
      {upload ? (
        <ProgressBar
          className="mt-3"
          label={`Uploading ${upload.name} · ${upload.percent}%${upload.percent === 100 ? " — resizing…" : ""}`}
          percent={upload.percent}
          name="Upload progress"
        />
      ) : null}
      <Notice message={message} />
      <ul className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-4">
        {items.map((m, i) => (
          <li key={m.id} className="rounded border border-zinc-200 p-2 dark:border-zinc-800">
            <img
              src={`${cdnUrl}${m.thumbnailUrl}`}
              alt={`Image ${i + 1}`}
              loading="lazy"
              className="aspect-square w-full rounded object-cover"
            />
            <div className="mt-2 flex flex-wrap items-center gap-1">
              {i === 0 ? (
                <Badge tone="success">Primary</Badge>
              ) : (
                <button type="button" className={button} disabled={busy} onClick={() => move(i, 0)}>
                  Make primary
                </button>
              )}
              <button
                type="button"
                className={button}
                aria-label="Move left"
                disabled={busy || i === 0}
                onClick={() => move(i, i - 1)}
              >
                ←
              </button>
              <button
                type="button"
                className={button}
                aria-label="Move right"
                disabled={busy || i === items.length - 1}
                onClick={() => move(i, i + 1)}
              >
                →
              </button>
              <button
                type="button"
                className={`${button} text-red-700`}
                disabled={busy}
                onClick={() => {
                  if (
                    window.confirm(
                      "Delete this image? It disappears from the shop and the CDN at once.",
                    )
                  )
                    remove.mutate({ productId, mediaId: m.id });
                }}
              >
                Delete
              </button>
            </div>
          </li>
        ))}
      </ul>
      {media.data && items.length === 0 ? (
        <p className="mt-2 text-sm text-zinc-500">No images yet.</p>
      ) : null}
    </Card>
  );
}
