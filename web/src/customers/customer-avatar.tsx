import { useMediaUrl } from '../media/use-media-url';
import { customerInitials } from './customer-label';

interface Props {
  /** `/api/media/<id>`, fetched with the access token; null when the platform gave no picture. */
  avatarUrl: string | null | undefined;
  name: string | null | undefined;
  size?: 'small' | 'large';
}

/** A small round picture of the customer, or their initials while there is none (or it cannot be loaded). */
export function CustomerAvatar({ avatarUrl, name, size = 'small' }: Props) {
  const { objectUrl } = useMediaUrl(avatarUrl ?? null);
  const className = `customer-avatar ${size}`;
  if (objectUrl) return <img className={className} src={objectUrl} alt="" data-testid="customer-avatar" />;
  return (
    <span className={`${className} initials`} aria-hidden="true" data-testid="customer-initials">
      {customerInitials(name)}
    </span>
  );
}
