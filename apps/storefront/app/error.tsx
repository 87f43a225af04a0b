"use client";

import { ErrorFallback } from "@agora/ui";

export default ErrorFallback;
