import type { LastMessage } from '../api/models';

/**
 * The newest message in one line: a reply mark for the business's own messages (any agent's, or one sent from the
 * platform's app: the preview does not say who), an icon for attachments, the start of the text.
 */
export function LastMessagePreview({ message }: { message: LastMessage | null }) {
  if (!message) return <span className="muted ellipsis preview">No messages yet</span>;
  return (
    <span className="ellipsis preview" data-testid="last-message">
      {message.sender === 'agent' && (
        <span className="muted reply-mark" role="img" aria-label="Outgoing">
          ↩{' '}
        </span>
      )}
      {message.hasAttachments && (
        <span className="attachment-icon" role="img" aria-label="Attachment">
          📎{' '}
        </span>
      )}
      {message.content || (message.hasAttachments ? 'Attachment' : '')}
    </span>
  );
}
