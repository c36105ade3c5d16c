import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import {
  chip,
  chips,
  choose,
  composerConsole,
  file,
  installComposerConsole,
  openThread,
  posts,
  revokeObjectURL,
  sendButton,
  setUpConsole,
  stored,
} from '../test/composer-console';
import { FakeXhr } from '../test/fake-xhr';
import { json } from '../test/fake-api';
import { message } from '../test/fixtures';

const MB = 1024 * 1024;

installComposerConsole();

// Whole-console tests: a busy machine can take longer than the default 5 s.
describe('composer attachments', { timeout: 20_000 }, () => {
  it('uploads each chosen file at once with progress, shows chips, removes one and sends the rest', async () => {
    const source = await openThread();
    expect(screen.getByTestId('attachment-limits')).toHaveTextContent('Facebook: any file up to 25 MB');
    await choose(file('sole.png', 'image/png', 300 * 1024), file('sizes.pdf', 'application/pdf', 40 * 1024));

    expect(chips()).toHaveLength(2);
    const [photoUpload, pdfUpload] = FakeXhr.instances;
    expect(photoUpload).toMatchObject({ method: 'POST', url: '/api/uploads' });
    expect(photoUpload.headers.Authorization).toBe('Bearer token-1');
    expect(photoUpload.file.name).toBe('sole.png');
    expect(chip('sole.png').querySelector('.chip-thumbnail')).toHaveAttribute('src', 'blob:local-1');
    expect(chip('sole.png')).toHaveTextContent('300 KB');
    expect(chip('sizes.pdf')).toHaveTextContent('40 KB');

    act(() => photoUpload.progress(150 * 1024, 300 * 1024));
    expect(screen.getByRole('progressbar', { name: 'Uploading sole.png' })).toHaveAttribute('value', '0.5');
    await userEvent.type(screen.getByLabelText('Reply'), 'Here it is');
    expect(sendButton()).toBeDisabled();
    expect(screen.getByTestId('send-blocked')).toHaveTextContent('Waiting for the uploads to finish');

    // Removing a chip cancels its upload and frees nothing else.
    await userEvent.click(screen.getByRole('button', { name: 'Remove sizes.pdf' }));
    expect(pdfUpload.aborted).toBe(true);
    expect(chips()).toHaveLength(1);
    const upload = await stored(photoUpload, 'up-1');
    expect(chip('sole.png')).toHaveAttribute('data-status', 'ready');
    expect(sendButton()).toBeEnabled();

    // The server answers 202 with the stored message, as pending as the optimistic copy.
    const attachment = { ...upload, mediaId: upload.id, originalUrl: null };
    composerConsole.sendAnswer = (call) => {
      const { content, clientMessageId } = call.body as { content: string; clientMessageId: string };
      return json(
        message({
          id: 'm-2',
          sender: 'agent',
          status: 'pending',
          content,
          clientMessageId,
          attachments: [attachment],
        }),
        202,
      );
    };
    await userEvent.click(sendButton());
    await waitFor(() => expect(posts()).toHaveLength(1));
    const body = posts()[0].body as Record<string, unknown>;
    expect(body).toMatchObject({ content: 'Here it is', attachmentIds: ['up-1'], afterMessageId: 'm-1' });
    // The pending bubble shows the image being sent, fetched from the server with the token.
    const pending = (await screen.findByText('Here it is', { selector: '.content' })).closest(
      'li',
    ) as HTMLElement;
    expect(pending).toHaveAttribute('data-status', 'pending');
    expect(await within(pending).findByRole('button', { name: 'Enlarge sole.png' })).toBeInTheDocument();
    expect(chips()).toHaveLength(0);
    expect(screen.getByLabelText('Reply')).toHaveValue('');
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:local-1');

    // message_sent replaces the optimistic copy, as for text.
    const sent = message({
      id: 'm-2',
      conversationId: 'conv-1',
      sender: 'agent',
      content: 'Here it is',
      status: 'sent',
      clientMessageId: body.clientMessageId as string,
      attachments: [attachment],
    });
    act(() => source.emit('message_sent', sent, '9'));
    await waitFor(() =>
      expect(screen.getByText('Here it is', { selector: '.content' }).closest('li')).toHaveAttribute(
        'data-status',
        'sent',
      ),
    );
    expect(screen.getAllByText('Here it is', { selector: '.content' })).toHaveLength(1);
  });

  it('sends attachments without text', async () => {
    await openThread();
    await choose(file('sole.png', 'image/png'));
    await stored(FakeXhr.instances[0], 'up-1');
    await userEvent.click(sendButton());
    await waitFor(() => expect(posts()).toHaveLength(1));
    expect(posts()[0].body).not.toHaveProperty('content');
    expect(posts()[0].body).toMatchObject({ attachmentIds: ['up-1'] });
  });

  it('shows the platform limits and blocks Send for a file that breaks them, without uploading it', async () => {
    setUpConsole('tiktok');
    await openThread();
    expect(screen.getByTestId('attachment-limits')).toHaveTextContent('TikTok: JPG/PNG images up to 3 MB');
    await userEvent.type(screen.getByLabelText('Reply'), 'See attached');
    await choose(file('catalog.pdf', 'application/pdf'), file('huge.png', 'image/png', 4 * MB));

    expect(FakeXhr.instances).toHaveLength(0);
    expect(chip('catalog.pdf')).toHaveAttribute('data-status', 'held');
    expect(chip('catalog.pdf')).toHaveAttribute('aria-invalid', 'true');
    expect(chip('catalog.pdf')).toHaveTextContent('TikTok accepts only JPG and PNG images');
    expect(chip('huge.png')).toHaveTextContent('TikTok accepts images up to 3 MB');
    expect(sendButton()).toBeDisabled();
    expect(screen.getByTestId('send-blocked')).toHaveTextContent('TikTok accepts only JPG and PNG images');
    await userEvent.keyboard('{Enter}');
    expect(posts()).toHaveLength(0);

    await userEvent.click(screen.getByRole('button', { name: 'Remove catalog.pdf' }));
    await userEvent.click(screen.getByRole('button', { name: 'Remove huge.png' }));
    expect(sendButton()).toBeEnabled();
  });

  it('marks a file whose bytes the server reads as a type the platform refuses', async () => {
    setUpConsole('zalo');
    await openThread();
    await choose(file('photo.png', 'image/png'));
    await stored(FakeXhr.instances[0], 'up-1', { type: 'image', mimeType: 'image/webp' });
    expect(chip('photo.png')).toHaveTextContent('Zalo accepts only JPG, PNG and GIF images');
    expect(sendButton()).toBeDisabled();
  });

  it('shows a refused upload (413, 400) on its chip and blocks Send until it is removed', async () => {
    await openThread();
    await choose(file('video.mp4', 'video/mp4'), file('notes.bin', 'application/octet-stream'));
    const [big, odd] = FakeXhr.instances;
    await act(async () =>
      big.respond(413, {
        statusCode: 413,
        error: 'Payload Too Large',
        message: 'File is larger than 26214400 bytes',
      }),
    );
    await act(async () =>
      odd.respond(400, { statusCode: 400, error: 'Bad Request', message: 'unsupported file type' }),
    );
    expect(chip('video.mp4')).toHaveAttribute('data-status', 'failed');
    expect(chip('video.mp4')).toHaveTextContent('Too large to upload: File is larger than 26214400 bytes');
    expect(chip('notes.bin')).toHaveTextContent('Not accepted: unsupported file type');
    expect(screen.getByTestId('send-blocked')).toHaveTextContent(
      'Remove the attachments that could not be uploaded',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Remove video.mp4' }));
    await userEvent.click(screen.getByRole('button', { name: 'Remove notes.bin' }));
    expect(screen.queryByTestId('send-blocked')).toBeNull();
  });

  it('attaches pasted files and leaves a text paste alone', async () => {
    await openThread();
    const reply = screen.getByLabelText('Reply');
    const screenshot = file('image.png', 'image/png');
    const pasted = fireEvent.paste(reply, {
      clipboardData: { files: [screenshot], items: [], types: ['Files'] },
    });
    expect(pasted).toBe(false); // default prevented: nothing inserted into the text
    expect(chips()).toHaveLength(1);
    expect(FakeXhr.instances[0].file.name).toBe(screenshot.name);

    // Some browsers list a pasted image only among the items.
    const item = { kind: 'file', getAsFile: () => file('clip.png', 'image/png') };
    fireEvent.paste(reply, { clipboardData: { files: [], items: [item], types: ['Files'] } });
    expect(chip('clip.png')).toBeDefined();

    const text = fireEvent.paste(reply, {
      clipboardData: { files: [], items: [{ kind: 'string' }], types: ['text/plain'] },
    });
    expect(text).toBe(true);
    expect(chips()).toHaveLength(2);
  });

  it('shows a drop target while files are dragged over the thread and attaches the dropped ones', async () => {
    await openThread();
    const thread = screen.getByTestId('thread');
    fireEvent.dragEnter(thread, { dataTransfer: { types: ['Files'], files: [] } });
    expect(screen.getByTestId('drop-target')).toBeInTheDocument();
    fireEvent.dragLeave(thread, { dataTransfer: { types: ['Files'], files: [] } });
    expect(screen.queryByTestId('drop-target')).toBeNull();
    // Dragged text is not a file drop.
    fireEvent.dragEnter(thread, { dataTransfer: { types: ['text/plain'], files: [] } });
    expect(screen.queryByTestId('drop-target')).toBeNull();

    fireEvent.dragEnter(thread, { dataTransfer: { types: ['Files'], files: [] } });
    fireEvent.drop(thread, {
      dataTransfer: {
        types: ['Files'],
        files: [file('a.png', 'image/png'), file('b.pdf', 'application/pdf')],
      },
    });
    expect(screen.queryByTestId('drop-target')).toBeNull();
    expect(chips().map((li) => li.querySelector('.chip-name')?.textContent)).toEqual(['a.png', 'b.pdf']);
  });

  it('keeps the draft and the chips on a 409 and a 422, and clears them on the 202', async () => {
    await openThread();
    await userEvent.type(screen.getByLabelText('Reply'), 'The sole');
    await choose(file('sole.png', 'image/png'));
    await stored(FakeXhr.instances[0], 'up-1');

    const newer = message({ id: 'm-3', conversationId: 'conv-1', content: 'Also the heel?' });
    composerConsole.sendAnswer = () =>
      json({ statusCode: 409, error: 'Conflict', message: 'Newer', newMessages: [newer] }, 409);
    await userEvent.click(sendButton());
    const notice = await screen.findByTestId('collision');
    expect(screen.getByLabelText('Reply')).toHaveValue('The sole');
    expect(chip('sole.png')).toHaveAttribute('data-status', 'ready');
    expect(screen.queryByRole('button', { name: 'Enlarge sole.png' })).toBeNull();

    composerConsole.sendAnswer = () =>
      json({ statusCode: 422, error: 'Unprocessable Entity', message: 'The reply window has closed' }, 422);
    await userEvent.click(within(notice).getByRole('button', { name: 'Send anyway' }));
    expect(await screen.findByTestId('send-refused')).toHaveTextContent(
      'Not sent: The reply window has closed',
    );
    expect(posts()[1].body).toMatchObject({
      content: 'The sole',
      attachmentIds: ['up-1'],
      afterMessageId: 'm-3',
    });
    expect(screen.getByLabelText('Reply')).toHaveValue('The sole');
    expect(chips()).toHaveLength(1);
    expect(screen.queryAllByTestId('message').filter((li) => li.dataset.status === 'failed')).toHaveLength(0);

    composerConsole.sendAnswer = () =>
      json(message({ id: 'm-4', conversationId: 'conv-1', sender: 'agent', status: 'pending' }), 202);
    await userEvent.click(sendButton());
    await waitFor(() => expect(posts()).toHaveLength(3));
    expect(posts()[2].body).toMatchObject({ content: 'The sole', attachmentIds: ['up-1'] });
    await waitFor(() => expect(screen.queryByTestId('send-refused')).toBeNull());
    expect(chips()).toHaveLength(0);
    expect(screen.getByLabelText('Reply')).toHaveValue('');
  });

  it('is reachable from the keyboard: the paperclip and each Remove are labelled buttons', async () => {
    await openThread();
    await choose(file('sole.png', 'image/png'));
    const reply = screen.getByLabelText('Reply');
    reply.focus();
    await userEvent.tab({ shift: true });
    expect(screen.getByRole('button', { name: 'Attach files' })).toHaveFocus();
    await userEvent.tab({ shift: true });
    expect(screen.getByRole('button', { name: 'Remove sole.png' })).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(chips()).toHaveLength(0);
  });
});
