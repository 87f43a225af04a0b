"use client";

import { useTRPC } from "@agora/trpc-next/react";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";

const DEBOUNCE_MS = 200;

/** The header search: a plain GET form to /search, with instant suggestions while typing. */
export function SearchBox({ initial = "" }: { initial?: string }) {
  const trpc = useTRPC();
  const listId = useId();
  const [text, setText] = useState(initial);
  const [debounced, setDebounced] = useState("");
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(text.trim()), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);
  const suggestions = useQuery({
    ...trpc.search.suggest.queryOptions({ q: debounced }),
    enabled: debounced.length >= 2,
    staleTime: 30_000,
  });
  const items = debounced.length >= 2 ? (suggestions.data ?? []) : [];

  return (
    <form action="/search" method="get" role="search" className="relative">
      <label htmlFor={`${listId}-q`} className="sr-only">
        Search products
      </label>
      <input
        id={`${listId}-q`}
        name="q"
        type="search"
        autoComplete="off"
        placeholder="Search products"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
        }}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        aria-controls={`${listId}-list`}
        className="min-h-10 w-full rounded-lg border border-zinc-300 bg-white px-3 text-sm dark:border-zinc-700 dark:bg-zinc-900"
      />
      {open && items.length > 0 ? (
        <ul
          id={`${listId}-list`}
          aria-label="Suggestions"
          className="absolute z-20 mt-1 w-full overflow-hidden rounded-lg border border-zinc-200 bg-white shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          {items.map((s) => (
            <li key={s.productId}>
              <a
                href={`/p/${s.productId}`}
                className="block px-3 py-2 text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800"
              >
                {s.title}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </form>
  );
}
