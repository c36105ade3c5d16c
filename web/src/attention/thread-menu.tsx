import type { ReadControls } from './use-read-while-visible';

/** The thread's "⋯" menu. */
export function ThreadMenu({ read }: { read: ReadControls }) {
  return (
    <details className="thread-menu">
      <summary aria-label="Conversation menu">⋯</summary>
      <div className="menu">
        <button type="button" className="link" disabled={read.markingUnread} onClick={read.markUnread}>
          Mark unread
        </button>
        {read.error && <span className="error">{read.error}</span>}
      </div>
    </details>
  );
}
