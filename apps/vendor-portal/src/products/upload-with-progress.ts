/**
 * POSTs a file as multipart/form-data and reports upload progress (fetch cannot observe the
 * request body being sent; XMLHttpRequest's upload events can).
 */
export interface UploadResult {
  ok: boolean;
  status: number;
  body: { error?: string; mediaId?: string; url?: string };
}

export function uploadWithProgress(
  url: string,
  file: File,
  onProgress: (fraction: number) => void,
  /** Whole-request bound: a 64 MB video on a slow uplink needs far longer than an image. */
  timeoutMs = 120_000,
): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.responseType = "json";
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      const body = (xhr.response ?? {}) as UploadResult["body"];
      resolve({ ok: xhr.status >= 200 && xhr.status < 300, status: xhr.status, body });
    };
    xhr.onerror = () => reject(new Error("The upload was interrupted (network error)."));
    xhr.ontimeout = () => reject(new Error("The upload timed out."));
    xhr.timeout = timeoutMs;
    const form = new FormData();
    form.append("file", file);
    xhr.send(form);
  });
}
