import type { ReactNode } from "react";

/** The message a form shows after a failed submit (announced to screen readers). */
export function FormError({ children, testId }: { children: ReactNode; testId?: string }) {
  if (!children) return null;
  return (
    <p
      role="alert"
      data-testid={testId}
      className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800 dark:border-rose-900 dark:bg-rose-950/40 dark:text-rose-200"
    >
      {children}
    </p>
  );
}

/** A form's full-width primary button; shows `pendingLabel` and stays disabled while it works. */
export function SubmitButton({
  pending,
  label,
  pendingLabel,
  disabled = false,
}: {
  pending: boolean;
  label: string;
  pendingLabel: string;
  /** Not submittable for a reason shown next to the button (e.g. payments unavailable). */
  disabled?: boolean;
}) {
  return (
    <button
      type="submit"
      disabled={pending || disabled}
      className="min-h-11 w-full rounded-md bg-brand-600 px-4 text-base font-medium text-white hover:bg-brand-700 disabled:opacity-60"
    >
      {pending ? pendingLabel : label}
    </button>
  );
}
