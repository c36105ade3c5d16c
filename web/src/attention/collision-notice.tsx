import type { Collision } from './use-guarded-send';

/** Shown above the composer when a reply was held back because newer messages came in. */
export function CollisionNotice({
  collision,
  onSendAnyway,
  onDismiss,
}: {
  collision: Collision;
  onSendAnyway: () => void;
  onDismiss: () => void;
}) {
  const count = collision.newMessages.length;
  return (
    <div className="collision" role="alert" data-testid="collision">
      <strong>
        {count === 1 ? 'A new message arrived' : `${count} new messages arrived`} before your reply was sent:
      </strong>
      <ul>
        {collision.newMessages.map((message) => (
          <li key={message.id} data-testid="collision-message">
            <span className="muted">{message.sender === 'customer' ? 'Customer' : 'Agent'}: </span>
            {message.content || `${message.attachments.length} attachment(s)`}
          </li>
        ))}
      </ul>
      <button type="button" onClick={onSendAnyway}>
        Send anyway
      </button>{' '}
      <button type="button" className="secondary" onClick={onDismiss}>
        Edit reply
      </button>
    </div>
  );
}
