import type { LastMessage } from '../api/models';

/** The newest message in one line: who wrote it, an icon for attachments, the start of the text. */
export function LastMessagePreview({ message }: { message: LastMessage | null }) {
  if (!message) return <span className="muted ellipsis preview">No messages yet</span>;
  return (
    <span className="ellipsis preview" data-testid="last-message">
      {message.sender === 'agent' && <span className="muted">You: </span>}
      {message.hasAttachments && (
        <span className="attachment-icon" role="img" aria-label="Attachment">
          📎{' '}
        </span>
      )}
      {message.content || (message.hasAttachments ? 'Attachment' : '')}
    </span>
  );
}
