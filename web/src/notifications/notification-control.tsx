import { useState } from 'react';
import { unlockAudio } from './beep';
import { useMuted } from './notification-settings';

type Permission = NotificationPermission | 'unsupported';

function currentPermission(): Permission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** The top bar's switch: ask for permission from a click (browsers require a gesture), then mute/unmute. */
export function NotificationControl() {
  const [permission, setPermission] = useState<Permission>(currentPermission);
  const [muted, setMuted] = useMuted();
  if (permission === 'unsupported') return null;
  if (permission === 'denied')
    return (
      <span className="muted small" title="Allow notifications for this site in the browser's settings">
        Notifications blocked
      </span>
    );
  if (permission === 'default')
    return (
      <button
        type="button"
        className="link"
        onClick={() => {
          unlockAudio();
          void Notification.requestPermission().then(setPermission);
        }}
      >
        Enable notifications
      </button>
    );
  return (
    <label className="checkbox small" title="Desktop notifications and their sound">
      <input
        type="checkbox"
        checked={muted}
        onChange={(event) => {
          unlockAudio();
          setMuted(event.target.checked);
        }}
      />
      Mute notifications
    </label>
  );
}
