import { EmptyState } from "./empty-state.tsx";

/**
 * Body of every app's `app/error.tsx` (a client component): the last line of defence for
 * unexpected errors; expected ones (database down) render in place.
 */
export function ErrorFallback({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <div className="mx-auto max-w-xl p-6">
      <EmptyState
        tone="error"
        title="Something went wrong"
        description={error.digest ? `Reference: ${error.digest}` : error.message}
        action={
          <button
            type="button"
            onClick={reset}
            className="rounded-md bg-zinc-900 px-4 py-2 text-sm font-medium text-white dark:bg-zinc-100 dark:text-zinc-900"
          >
            Try again
          </button>
        }
      />
    </div>
  );
}
