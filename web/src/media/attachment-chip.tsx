import { formatBytes } from './attachment';
import type { AttachmentChip } from './use-composer-attachments';

/** One file in the composer: thumbnail or icon, name, size, upload progress, what is wrong, Remove. */
export function AttachmentChipView({
  chip,
  onRemove,
}: {
  chip: AttachmentChip;
  onRemove: (key: string) => void;
}) {
  const broken = chip.problem !== null || chip.status === 'failed';
  return (
    <li
      className={`attachment-chip${broken ? ' broken' : ''}`}
      data-testid="attachment-chip"
      data-status={chip.status}
      aria-invalid={broken || undefined}
    >
      {chip.previewUrl ? (
        <img className="chip-thumbnail" src={chip.previewUrl} alt="" />
      ) : (
        <svg
          className="chip-icon"
          viewBox="0 0 24 24"
          width="28"
          height="28"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.5"
          aria-hidden="true"
        >
          <path strokeLinejoin="round" d="M6 2h8l5 5v15H6z M14 2v5h5" />
        </svg>
      )}
      <span className="chip-text">
        <span className="chip-name">{chip.name}</span>{' '}
        <span className="muted small">{formatBytes(chip.size)}</span>
        {chip.status === 'uploading' && (
          <progress max={1} value={chip.progress} aria-label={`Uploading ${chip.name}`} />
        )}
        {chip.error && <span className="error small">{chip.error}</span>}
        {chip.problem && <span className="error small">{chip.problem}</span>}
      </span>
      <button
        type="button"
        className="link chip-remove"
        aria-label={`Remove ${chip.name}`}
        onClick={() => onRemove(chip.key)}
      >
        ✕
      </button>
    </li>
  );
}
