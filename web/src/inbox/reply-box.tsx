import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { Conversation, Platform } from '../api/models';
import { AttachmentChipView } from '../media/attachment-chip';
import { mediaLimitHint } from '../media/media-limits';
import type { AttachmentChip } from '../media/use-composer-attachments';
import { pasteFiles } from '../media/use-file-drop';
import { replyBudgetProblem, replyPartCount } from './reply-budget';

/** The composer's files: chosen with the paperclip, dropped or pasted; uploaded at once. */
export interface ReplyAttachments {
  chips: AttachmentChip[];
  /** Why Send must wait (an upload running or failed, a file the platform cannot take), or null. */
  blockedReason: string | null;
  add: (files: File[]) => void;
  remove: (key: string) => void;
}

interface Props {
  onSend: (content: string) => void;
  disabled?: boolean;
  /** A draft held by the caller (kept through a refused send); without it the box keeps its own. */
  draft?: string;
  onDraftChange?: (draft: string) => void;
  onBlur?: () => void;
  /** Without it the box sends text only. */
  attachments?: ReplyAttachments;
  /** The conversation's platform: its attachment limits are shown before sending. */
  platform?: Platform;
  /** The conversation's reply window: a draft needing more messages than it has `remaining` waits. */
  replyWindow?: Conversation['replyWindow'];
  /** Why the server refused the last send (the draft was kept). */
  refusal?: string | null;
}

/** Drawn, not an emoji: it shows the same without an emoji font. */
function PaperclipIcon() {
  return (
    <svg
      viewBox="0 0 24 24"
      width="18"
      height="18"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      aria-hidden="true"
    >
      <path
        strokeLinecap="round"
        strokeLinejoin="round"
        d="M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5"
      />
    </svg>
  );
}

function AttachButton({ onFiles, disabled }: { onFiles: (files: File[]) => void; disabled?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className="secondary attach"
        aria-label="Attach files"
        title="Attach files"
        disabled={disabled}
        onClick={() => input.current?.click()}
      >
        <PaperclipIcon />
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="attach-input"
        onChange={(event) => {
          const files = Array.from(event.target.files ?? []);
          event.target.value = ''; // the same file can be chosen again after removing it
          if (files.length > 0) onFiles(files);
        }}
      />
    </>
  );
}

/** Enter sends, Shift+Enter starts a new line; files come by the paperclip, a drop or a paste. */
export function ReplyBox({
  onSend,
  disabled,
  draft: heldDraft,
  onDraftChange,
  onBlur,
  attachments,
  platform,
  replyWindow,
  refusal,
}: Props) {
  const [ownDraft, setOwnDraft] = useState('');
  const draft = heldDraft ?? ownDraft;
  const setDraft = onDraftChange ?? setOwnDraft;
  const blockedId = useId();
  const overBudgetId = useId();
  const chips = attachments?.chips ?? [];
  const blocked = attachments?.blockedReason ?? null;
  const overBudget = replyBudgetProblem(platform, replyWindow, replyPartCount(draft, chips.length));
  const uploading = chips.some((chip) => chip.status === 'uploading');
  const canSend = !disabled && !blocked && !overBudget && (draft.trim() !== '' || chips.length > 0);
  const sendDescribedBy = [blocked && blockedId, overBudget && overBudgetId].filter(Boolean).join(' ');
  const send = (): void => {
    if (!canSend) return;
    onSend(draft.trim());
    setDraft('');
  };
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    send();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      send();
    }
  };
  return (
    <form className="reply-box" onSubmit={submit} data-testid="reply-box">
      {attachments && platform && (
        <p className="muted small attach-hint" data-testid="attachment-limits">
          {mediaLimitHint(platform)}
        </p>
      )}
      {attachments && chips.length > 0 && (
        <ul className="attachment-chips" aria-label="Attachments">
          {chips.map((chip) => (
            <AttachmentChipView key={chip.key} chip={chip} onRemove={attachments.remove} />
          ))}
        </ul>
      )}
      {blocked && (
        <p className={`small ${uploading ? 'muted' : 'error'}`} id={blockedId} data-testid="send-blocked">
          {blocked}
        </p>
      )}
      {overBudget && !disabled && (
        <p className="error small send-note" id={overBudgetId} data-testid="send-over-budget">
          {overBudget}
        </p>
      )}
      {refusal && (
        <p className="error small" role="alert" data-testid="send-refused">
          Not sent: {refusal}
        </p>
      )}
      <div className="reply-row">
        {attachments && <AttachButton onFiles={attachments.add} disabled={disabled} />}
        <textarea
          aria-label="Reply"
          placeholder="Write a reply…"
          rows={2}
          value={draft}
          disabled={disabled}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={onKeyDown}
          onBlur={onBlur}
          onPaste={attachments && !disabled ? (event) => pasteFiles(event, attachments.add) : undefined}
        />
        <button type="submit" disabled={!canSend} aria-describedby={sendDescribedBy || undefined}>
          Send
        </button>
      </div>
    </form>
  );
}
