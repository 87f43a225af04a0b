/**
 * `test` with a `newPage` fixture: a page in a fresh browser context (another shopper, an operator
 * beside the shopper) that is closed when the test ends, pass or fail. Contexts opened straight
 * from the worker's browser outlive their test and keep polling the servers for the rest of the
 * run, slowing every later spec.
 */
import { type BrowserContext, expect, type Page, test as base } from "@playwright/test";

export const test = base.extend<{ newPage: () => Promise<Page> }>({
  newPage: async ({ browser }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async () => {
      const context = await browser.newContext();
      contexts.push(context);
      return context.newPage();
    });
    await Promise.all(contexts.map((c) => c.close()));
  },
});

export { expect };
