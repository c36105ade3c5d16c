import { useState, type FormEvent, type KeyboardEvent } from 'react';

/** Enter sends, Shift+Enter starts a new line. */
export function ReplyBox({ onSend, disabled }: { onSend: (content: string) => void; disabled?: boolean }) {
  const [draft, setDraft] = useState('');
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
      />
      <button type="submit" disabled={disabled || !draft.trim()}>
        Send
      </button>
    </form>
  );
}
