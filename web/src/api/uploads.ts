import { tokenStore } from '../auth/token-store';
import { apiUrl, readAnswer, retryRenewed } from './http-client';
import type { Upload } from './models';

interface RawAnswer {
  status: number;
  text: string;
}

/** Called as the body goes out: the fraction sent, 0 to 1. */
export type UploadProgress = (fraction: number) => void;

export type UploadFile = (file: File, onProgress: UploadProgress, signal?: AbortSignal) => Promise<Upload>;

/** XMLHttpRequest, not fetch: only it reports how much of a request body has been sent. */
function post(
  file: File,
  token: string | null,
  onProgress: UploadProgress,
  signal?: AbortSignal,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DOMException('Upload cancelled', 'AbortError'));
      return;
    }
    const request = new XMLHttpRequest();
    request.open('POST', apiUrl('/uploads'));
    request.setRequestHeader('Accept', 'application/json');
    if (token) request.setRequestHeader('Authorization', `Bearer ${token}`);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    request.onload = () => resolve({ status: request.status, text: request.responseText });
    request.onerror = () => reject(new Error('Upload failed: the server could not be reached'));
    request.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    signal?.addEventListener('abort', () => request.abort(), { once: true });
    const form = new FormData();
    form.append('file', file, file.name);
    request.send(form);
  });
}

/**
 * Stores one file with `POST /api/uploads` (multipart field `file`) with the agent's token; a 401 renews the
 * token once and sends the file again, as every other call does. A 400 or 413 throws its ApiError.
 */
export const uploadFile: UploadFile = async (file, onProgress, signal) => {
  const token = tokenStore.get();
  let answer = await post(file, token, onProgress, signal);
  if (answer.status === 401)
    answer = await retryRenewed(answer, token, (renewed) => post(file, renewed, onProgress, signal));
  return readAnswer<Upload>(answer.status, answer.text);
};
