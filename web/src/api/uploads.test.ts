import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { accessTokenFrom, tokenStore } from '../auth/token-store';
import { FakeXhr } from '../test/fake-xhr';
import { ApiError, setSessionHooks } from './http-client';
import { uploadFile } from './uploads';

const photo = new File([new Uint8Array(10)], 'photo.png', { type: 'image/png' });
const stored = {
  id: 'up-1',
  type: 'image',
  name: 'photo.png',
  mimeType: 'image/png',
  size: 10,
  url: '/api/media/up-1',
};

/** Lets the upload's promise chain reach its next request. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  FakeXhr.reset();
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
  tokenStore.set(accessTokenFrom('stale-token', 3600));
});

afterEach(() => {
  setSessionHooks(null);
  vi.unstubAllGlobals();
});

describe('uploadFile', () => {
  it('sends the file as multipart field "file" with the token and reports progress', async () => {
    const progress: number[] = [];
    const result = uploadFile(photo, (fraction) => progress.push(fraction));
    const [request] = FakeXhr.instances;
    expect(request.headers.Authorization).toBe('Bearer stale-token');
    expect(request.file).toMatchObject({ name: 'photo.png', size: 10, type: 'image/png' });
    request.progress(5, 10);
    request.progress(10, 10);
    request.respond(201, stored);
    await expect(result).resolves.toEqual(stored);
    expect(progress).toEqual([0.5, 1]);
  });

  it('renews the token once on a 401 and sends the file again with the new one', async () => {
    const renew = vi.fn(async () => 'fresh-token');
    const unauthorized = vi.fn();
    setSessionHooks({ renew, unauthorized });
    const result = uploadFile(photo, () => undefined);
    FakeXhr.instances[0].respond(401, { statusCode: 401, message: 'Unauthorized' });
    await settle();
    expect(renew).toHaveBeenCalledWith('stale-token');
    const retry = FakeXhr.instances[1];
    expect(retry.headers.Authorization).toBe('Bearer fresh-token');
    expect(retry.file).toMatchObject({ name: 'photo.png', size: 10 });
    retry.respond(201, stored);
    await expect(result).resolves.toEqual(stored);
    expect(unauthorized).not.toHaveBeenCalled();
  });

  it('throws the server answer of a refused file as an ApiError', async () => {
    const result = uploadFile(photo, () => undefined);
    FakeXhr.instances[0].respond(413, { statusCode: 413, message: 'File is larger than 26214400 bytes' });
    const error = await result.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 413, message: 'File is larger than 26214400 bytes' });
  });

  it('aborts the request when its signal does', async () => {
    const controller = new AbortController();
    const result = uploadFile(photo, () => undefined, controller.signal);
    controller.abort();
    await expect(result).rejects.toMatchObject({ name: 'AbortError' });
    expect(FakeXhr.instances[0].aborted).toBe(true);
  });
});
