"use client";

import {
  Badge,
  Card,
  EmptyState,
  formatDuration,
  formatFileSize,
  Notice,
  type NoticeMessage,
  ProgressBar,
} from "@agora/ui";
import { useTRPC } from "@agora/trpc-next/react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { uploadWithProgress } from "./upload-with-progress.ts";

const button =
  "rounded border border-zinc-300 px-2 py-1 text-xs disabled:opacity-40 dark:border-zinc-700";
/** Bound on one upload of a video or PDF (the largest is 64 MB). */
const UPLOAD_TIMEOUT_MS = 15 * 60_000;
/** While a video is transcoding, the list is read again this often for its progress. */
const PROGRESS_POLL_MS = 2_000;

type Kind = "video" | "document";

const KIND = {
  video: {
    route: "videos",
    accept: "video/mp4,video/webm,video/quicktime,.mp4,.webm,.mov",
    label: "Upload a video",
  },
  document: { route: "documents", accept: "application/pdf,.pdf", label: "Upload a PDF" },
} as const;

export interface ProductFileLimits {
  videoMb: number;
  videoMinutes: number;
  videos: number;
  documentMb: number;
  documents: number;
}

/**
 * A product's videos and PDF documents: upload (with the upload's progress, then for a video its
 * transcode progress), see their state, delete. Limits are shown here and enforced by the server.
 */
export function ProductFilesPanel({
  productId,
  cdnUrl,
  limits,
}: {
  productId: string;
  cdnUrl: string;
  limits: ProductFileLimits;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const media = useQuery({
    ...trpc.vendor.media.list.queryOptions({ productId }),
    refetchInterval: (q) =>
      q.state.data?.videos.some((v) => v.status === "processing") ? PROGRESS_POLL_MS : false,
  });
  const [upload, setUpload] = useState<{ kind: Kind; name: string; percent: number } | null>(null);
  const [message, setMessage] = useState<NoticeMessage | null>(null);
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.vendor.media.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.vendor.products.pathKey() }),
    ]);
  const remove = useMutation(
    trpc.vendor.media.delete.mutationOptions({
      onSuccess: async (r) => {
        const failed = r.purge.filter((p) => p.error);
        setMessage(
          failed.length
            ? {
                tone: "error",
                text: "Deleted, but the CDN could not be purged; it may serve the file for a while.",
              }
            : { tone: "ok", text: "Deleted and removed from the CDN." },
        );
        await refresh();
      },
      onError: (err) => setMessage({ tone: "error", text: err.message }),
    }),
  );

  async function send(kind: Kind, file: File) {
    setMessage(null);
    setUpload({ kind, name: file.name, percent: 0 });
    try {
      const res = await uploadWithProgress(
        `/api/products/${productId}/${KIND[kind].route}`,
        file,
        (f) => setUpload({ kind, name: file.name, percent: Math.round(f * 100) }),
        UPLOAD_TIMEOUT_MS,
      );
      if (!res.ok)
        setMessage({
          tone: "error",
          text: `${file.name}: ${res.body.error ?? `upload failed (${res.status})`}`,
        });
      else
        setMessage({
          tone: "ok",
          text: kind === "video" ? `${file.name} uploaded; transcoding…` : `${file.name} added.`,
        });
      await refresh();
    } catch (err) {
      setMessage({ tone: "error", text: err instanceof Error ? err.message : String(err) });
    } finally {
      setUpload(null);
    }
  }

  const busy = upload !== null || remove.isPending;
  const picker = (kind: Kind) => (
    <input
      type="file"
      accept={KIND[kind].accept}
      disabled={busy}
      className="text-xs"
      aria-label={KIND[kind].label}
      onChange={(e) => {
        const file = e.currentTarget.files?.[0];
        e.currentTarget.value = "";
        if (file) void send(kind, file);
      }}
    />
  );
  const deleteButton = (mediaId: string, noun: string) => (
    <button
      type="button"
      className={`${button} text-red-700`}
      disabled={busy}
      onClick={() => {
        if (window.confirm(`Delete this ${noun}? It disappears from the shop and the CDN at once.`))
          remove.mutate({ productId, mediaId });
      }}
    >
      Delete
    </button>
  );
  const videos = media.data?.videos ?? [];
  const documents = media.data?.documents ?? [];

  return (
    <Card
      className="mt-6"
      title="Videos and documents"
      description={`Videos: MP4, WebM or QuickTime up to ${limits.videoMb} MB and ${limits.videoMinutes} minutes, ${limits.videos} per product (converted for the web, at most 720p). Documents: PDF up to ${limits.documentMb} MB, ${limits.documents} per product.`}
    >
      {media.error ? (
        <EmptyState tone="error" title="Media unavailable" description={media.error.message} />
      ) : null}
      <div className="flex flex-col gap-3 sm:flex-row">
        <label className="flex flex-1 flex-col gap-1 rounded-lg border-2 border-dashed border-zinc-300 p-4 text-sm dark:border-zinc-700">
          <span>Video</span>
          {picker("video")}
        </label>
        <label className="flex flex-1 flex-col gap-1 rounded-lg border-2 border-dashed border-zinc-300 p-4 text-sm dark:border-zinc-700">
          <span>PDF document</span>
          {picker("document")}
        </label>
      </div>
      {upload ? (
        <ProgressBar
          className="mt-3 px-3"
          label={`Uploading ${upload.name} · ${upload.percent}%${upload.percent === 100 ? (upload.kind === "video" ? " — checking…" : " — rendering the first page…") : ""}`}
          percent={upload.percent}
          name="Upload progress"
        />
      ) : null}
      <Notice message={message} />
      <ul className="mt-4 grid gap-3 sm:grid-cols-2" aria-label="Videos">
        {videos.map((v) => (
          <li key={v.id} className="rounded border border-zinc-200 p-2 dark:border-zinc-800">
            {v.status === "ready" ? (
              <video
                controls
                preload="metadata"
                poster={v.posterUrl ? `${cdnUrl}${v.posterUrl}` : undefined}
                src={`${cdnUrl}${v.url}`}
                className="aspect-video w-full rounded bg-black"
              />
            ) : (
              <div className="flex aspect-video w-full items-center justify-center rounded bg-zinc-100 text-xs dark:bg-zinc-900">
                {v.status === "processing" ? (
                  <ProgressBar
                    className="mt-3 px-3"
                    label={`Transcoding · ${v.progress ?? 0}%`}
                    percent={v.progress ?? 0}
                    name="Transcoding progress"
                  />
                ) : (
                  "This file could not be converted; delete it and upload another."
                )}
              </div>
            )}
            <div className="mt-2 flex flex-wrap items-center gap-2 text-xs">
              <Badge
                tone={
                  v.status === "ready" ? "success" : v.status === "failed" ? "danger" : "warning"
                }
              >
                {v.status}
              </Badge>
              <span className="truncate">{v.fileName}</span>
              {v.durationMs ? <span>{formatDuration(v.durationMs)}</span> : null}
              {v.bytes ? <span>{formatFileSize(v.bytes)}</span> : null}
              {deleteButton(v.id, "video")}
            </div>
          </li>
        ))}
      </ul>
      <ul className="mt-4 grid gap-3 sm:grid-cols-3" aria-label="Documents">
        {documents.map((d) => (
          <li
            key={d.id}
            className="flex gap-2 rounded border border-zinc-200 p-2 dark:border-zinc-800"
          >
            {d.posterUrl ? (
              <img
                src={`${cdnUrl}${d.posterUrl}`}
                alt=""
                loading="lazy"
                className="h-20 w-16 rounded border object-cover object-top"
              />
            ) : null}
            <div className="flex min-w-0 flex-col gap-1 text-xs">
              <a
                href={`${cdnUrl}${d.url}`}
                className="truncate underline"
                target="_blank"
                rel="noreferrer"
              >
                {d.fileName}
              </a>
              <span>
                PDF{d.bytes ? ` · ${formatFileSize(d.bytes)}` : ""}
                {d.pageCount ? ` · ${d.pageCount} pages` : ""}
              </span>
              <span>{deleteButton(d.id, "document")}</span>
            </div>
          </li>
        ))}
      </ul>
      {media.data && videos.length === 0 && documents.length === 0 ? (
        <p className="mt-2 text-sm text-zinc-500">No videos or documents yet.</p>
      ) : null}
    </Card>
  );
}
