/**
 * Requests refused before a handler ran, by meaning: each has the HTTP status and the public
 * message it is answered with (`guardedRoute` turns them into that response).
 */
export abstract class RequestRefusedError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
}

export class BodyTooLargeError extends RequestRefusedError {
  readonly status = 413;
  readonly code = "PAYLOAD_TOO_LARGE";
  constructor(readonly maxBytes: number) {
    super(`The request body is larger than ${formatBytes(maxBytes)}.`);
    this.name = "BodyTooLargeError";
  }
}

export class UnsupportedMediaTypeError extends RequestRefusedError {
  readonly status = 415;
  readonly code = "UNSUPPORTED_MEDIA_TYPE";
  constructor(expected: string) {
    super(`Send the request body as ${expected}.`);
    this.name = "UnsupportedMediaTypeError";
  }
}

export class MalformedBodyError extends RequestRefusedError {
  readonly status = 400;
  readonly code = "MALFORMED_BODY";
  constructor(what: string) {
    super(`The request body is not valid ${what}.`);
    this.name = "MalformedBodyError";
  }
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}
