import type { Message } from '../api/models';
import { AttachmentView } from '../media/attachment-view';
import { formatWhen } from './format';

const STATUS_LABEL: Record<Message['status'], string> = {
  received: '',
  pending: 'Sending…',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Failed',
};

export function MessageBubble({
  message,
  onRetry,
}: {
  message: Message;
  onRetry: (message: Message) => void;
}) {
  const mine = message.sender === 'agent';
  return (
    <li
      className={`message ${mine ? 'agent' : 'customer'} status-${message.status}`}
      data-testid="message"
      data-message-id={message.id}
      data-status={message.status}
    >
      <div className="bubble">
        <p className="content">{message.content}</p>
        {message.attachments.map((attachment, index) => (
          <AttachmentView key={`${index}-${attachment.url}`} attachment={attachment} />
        ))}
      </div>
      <div className="meta">
        <time dateTime={message.sentAt}>{formatWhen(message.sentAt)}</time>
        {mine && (
          <span className="delivery" data-testid="message-status">
            {STATUS_LABEL[message.status]}
          </span>
        )}
        {message.status === 'failed' && (
          <>
            {message.error && <span className="error"> — {message.error}</span>}
            <button type="button" className="link" onClick={() => onRetry(message)}>
              Retry
            </button>
          </>
        )}
      </div>
    </li>
  );
}
