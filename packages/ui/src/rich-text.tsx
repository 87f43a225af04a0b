import Markdown from "react-markdown";
import { cx } from "./cx.ts";

/**
 * A vendor's rich product description: Markdown (headings, emphasis, lists, links) rendered to
 * React elements. Raw HTML in the text is never rendered (react-markdown skips it), so a
 * description cannot inject markup or scripts into the shop.
 */
export function RichText({ markdown, className }: { markdown: string; className?: string }) {
  return (
    <div
      className={cx(
        "space-y-2 text-sm leading-6 [&_a]:text-brand-700 [&_a]:underline [&_h1]:text-lg [&_h1]:font-semibold [&_h2]:font-semibold [&_h3]:font-medium [&_ol]:list-decimal [&_ol]:pl-5 [&_ul]:list-disc [&_ul]:pl-5",
        className,
      )}
    >
      <Markdown
        // Links leave the shop: never let them act as the shop's own page.
        components={{
          a: ({ href, children }) => (
            <a href={href} rel="nofollow noopener noreferrer" target="_blank">
              {children}
            </a>
          ),
        }}
      >
        {markdown}
      </Markdown>
    </div>
  );
}
