// React pieces of sign-in shared by the three apps (client components carry "use client").
export { ProviderSignIn } from "./provider-sign-in.tsx";
export { SignOutButton } from "./sign-out-button.tsx";
export { SignInScreen, type SignInScreenProps } from "./sign-in-screen.tsx";
export { signInPage, type SignInPageOptions, type SignInSearchParams } from "./sign-in-page.tsx";
export { UserMenuView } from "./user-menu-view.tsx";
export { safeCallbackUrl, signInErrorMessage } from "./sign-in-errors.ts";
