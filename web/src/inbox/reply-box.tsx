import { useState, type FormEvent, type KeyboardEvent } from 'react';

interface Props {
  onSend: (content: string) => void;
  disabled?: boolean;
  /** A draft held by the caller (kept through a refused send); without it the box keeps its own. */
  draft?: string;
  onDraftChange?: (draft: string) => void;
  onBlur?: () => void;
}

/** Enter sends, Shift+Enter starts a new line. */
export function ReplyBox({ onSend, disabled, draft: heldDraft, onDraftChange, onBlur }: Props) {
  const [ownDraft, setOwnDraft] = useState('');
  const draft = heldDraft ?? ownDraft;
  const setDraft = onDraftChange ?? setOwnDraft;
  const send = (): void => {
    const content = draft.trim();
    if (!content) return;
    onSend(content);
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
    <form className="reply-box" onSubmit={submit}>
      <textarea
        aria-label="Reply"
        placeholder="Write a reply…"
        rows={2}
        value={draft}
        disabled={disabled}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={onKeyDown}
        onBlur={onBlur}
      />
      <button type="submit" disabled={disabled || !draft.trim()}>
        Send
      </button>
    </form>
  );
}
