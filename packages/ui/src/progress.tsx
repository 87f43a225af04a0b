import { cx } from "./cx.ts";

/** A labelled progress bar (0–100), announced to assistive technology as a `progressbar`. */
export function ProgressBar({
  percent,
  name,
  label,
  className,
}: {
  percent: number;
  /** The bar's accessible name, e.g. "Upload progress". */
  name: string;
  /** Text shown above the bar. */
  label?: string;
  className?: string;
}) {
  const value = Math.max(0, Math.min(100, Math.round(percent)));
  return (
    <div className={cx("w-full text-xs", className)}>
      {label ? <p>{label}</p> : null}
      <div
        className="mt-1 h-2 w-full overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800"
        role="progressbar"
        aria-label={name}
        aria-valuenow={value}
        aria-valuemin={0}
        aria-valuemax={100}
      >
        <div className="h-full bg-emerald-500 transition-all" style={{ width: `${value}%` }} />
      </div>
    </div>
  );
}

export interface NoticeMessage {
  tone: "error" | "ok";
  text: string;
}

/** The outcome of an action: an `alert` when it failed, a polite `status` when it worked. */
export function Notice({
  message,
  className,
}: {
  message: NoticeMessage | null;
  className?: string;
}) {
  if (!message) return null;
  const error = message.tone === "error";
  return (
    <p
      role={error ? "alert" : "status"}
      className={cx("mt-3 text-sm", error ? "text-red-600" : "text-emerald-700", className)}
    >
      {message.text}
    </p>
  );
}
