import { useEffect, useState } from 'react';
import { formatBytes, isAwaitingStorage, isHttpUrl, kindLabel, type Attachment } from './attachment';
import { useMediaUrl } from './use-media-url';

function ImageViewer({ src, alt, onClose }: { src: string; alt: string; onClose: () => void }) {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [onClose]);
  return (
    <div className="image-viewer" role="dialog" aria-modal="true" aria-label="Image viewer" onClick={onClose}>
      <img src={src} alt={alt} />
      <button type="button" className="secondary" onClick={onClose}>
        Close
      </button>
    </div>
  );
}

function StoredImage({
  attachment,
  src,
  sticker,
}: {
  attachment: Attachment;
  src: string;
  sticker: boolean;
}) {
  const [open, setOpen] = useState(false);
  const alt = attachment.name ?? (sticker ? 'Sticker' : 'Image');
  if (sticker) return <img className="sticker" src={src} alt={alt} />;
  return (
    <>
      <button type="button" className="thumbnail" aria-label={`Enlarge ${alt}`} onClick={() => setOpen(true)}>
        <img src={src} alt={alt} />
      </button>
      {open && <ImageViewer src={src} alt={alt} onClose={() => setOpen(false)} />}
    </>
  );
}

function StoredMedia({ attachment }: { attachment: Attachment }) {
  const { objectUrl, error } = useMediaUrl(attachment.url);
  if (error)
    return (
      <span className="error">
        Could not load {attachment.type}: {error}
      </span>
    );
  if (!objectUrl) return <span className="muted">Loading {attachment.type}…</span>;
  const name = attachment.name ?? attachment.type;
  switch (attachment.type) {
    case 'image':
    case 'sticker':
      return <StoredImage attachment={attachment} src={objectUrl} sticker={attachment.type === 'sticker'} />;
    case 'video':
      return <video controls src={objectUrl} aria-label={name} />;
    case 'audio':
      return <audio controls src={objectUrl} aria-label={name} />;
    default:
      return (
        <a href={objectUrl} download={attachment.name ?? undefined}>
          📄 {name}
          {attachment.size != null && ` (${formatBytes(attachment.size)})`}
        </a>
      );
  }
}

/**
 * A file the platform names by id (TikTok): there is no link to offer. While the server is still fetching it
 * `originalUrl` is null; once it gave up, `originalUrl` holds the reference.
 */
function PlatformMediaPlaceholder({ attachment }: { attachment: Attachment }) {
  const kind = kindLabel(attachment.type);
  return (
    <div className="attachment pending-media" data-testid="attachment-placeholder">
      {attachment.originalUrl ? `${kind} not available` : `${kind} loading…`}
    </div>
  );
}

/** One attachment of a message bubble. */
export function AttachmentView({ attachment }: { attachment: Attachment }) {
  if (isAwaitingStorage(attachment) && !isHttpUrl(attachment.url))
    return <PlatformMediaPlaceholder attachment={attachment} />;
  if (isAwaitingStorage(attachment))
    return (
      <div className="attachment pending-media" data-testid="attachment-placeholder">
        {attachment.type} (not stored yet)
        {attachment.originalUrl && (
          <>
            {' '}
            <a href={attachment.originalUrl} target="_blank" rel="noopener">
              Open original
            </a>
          </>
        )}
      </div>
    );
  if (attachment.type === 'location' || attachment.type === 'link') {
    const href = attachment.originalUrl ?? attachment.url;
    return (
      <div className="attachment">
        <a href={href} target="_blank" rel="noopener noreferrer">
          {attachment.type === 'location' ? '📍 Location' : '🔗'} {attachment.name ?? href}
        </a>
      </div>
    );
  }
  return (
    <div className="attachment" data-testid="attachment">
      <StoredMedia attachment={attachment} />
    </div>
  );
}
