import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { api } from '../api/endpoints';
import type { Channel, Platform, User } from '../api/models';
import { queryKeys } from '../cache/query-keys';
import { applyChannelAppeared, applyChannelGone } from '../cache/stream-cache-effects';
import { useChannels } from '../inbox/use-directory';
import { adminApi } from './admin-api';
import { absoluteWebhookUrl, filledCredentials, PLATFORM_SETUP } from './platforms';
import './admin.css';

/** The credential inputs of one platform; values are write-only, so a saved channel only says "set". */
function CredentialFields({
  platform,
  values,
  onChange,
  saved,
}: {
  platform: Platform;
  values: Record<string, string>;
  onChange: (values: Record<string, string>) => void;
  saved: boolean;
}) {
  return (
    <>
      {PLATFORM_SETUP[platform].fields.map((field) => (
        <label key={field.name}>
          {field.label}
          {saved && <small className="muted"> (set; a new value replaces all credentials)</small>}
          <input
            aria-label={field.label}
            type={field.secret ? 'password' : 'text'}
            autoComplete={field.secret ? 'new-password' : 'off'}
            required={field.required && !saved}
            value={values[field.name] ?? ''}
            onChange={(e) => onChange({ ...values, [field.name]: e.target.value })}
          />
        </label>
      ))}
    </>
  );
}

/** A channel just connected in this tab, with the verify token typed for it (no answer ever carries it). */
interface Connected {
  channel: Channel;
  verifyToken?: string;
}

function ConnectForm({ onDone }: { onDone: (connected?: Connected) => void }) {
  const queryClient = useQueryClient();
  const [platform, setPlatform] = useState<Platform>('zalo');
  const [name, setName] = useState('');
  const [externalId, setExternalId] = useState('');
  const [credentials, setCredentials] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: () =>
      adminApi.createChannel({ platform, name, externalId, credentials: filledCredentials(credentials) }),
    onSuccess: (channel) => {
      applyChannelAppeared(queryClient, channel);
      onDone({ channel, verifyToken: platform === 'facebook' ? credentials.verifyToken : undefined });
    },
  });
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form className="admin-form" aria-label="Connect a channel" onSubmit={submit}>
      <label>
        Platform
        <select aria-label="Platform" value={platform} onChange={(e) => setPlatform(e.target.value as Platform)}>
          {(Object.keys(PLATFORM_SETUP) as Platform[]).map((key) => (
            <option key={key} value={key}>
              {PLATFORM_SETUP[key].label}
            </option>
          ))}
        </select>
      </label>
      <p className="muted">
        Webhook URL: <code>{absoluteWebhookUrl(`/api/webhooks/${platform}`)}</code>. {PLATFORM_SETUP[platform].help}
      </p>
      <label>
        Name
        <input aria-label="Channel name" required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        {platform === 'facebook' ? 'Page id' : platform === 'zalo' ? 'OA id' : 'Business account id'}
        <input aria-label="External id" required value={externalId} onChange={(e) => setExternalId(e.target.value)} />
      </label>
      <CredentialFields platform={platform} values={credentials} onChange={setCredentials} saved={false} />
      {create.isError && <p className="error">Could not connect: {create.error.message}</p>}
      <button type="submit" disabled={create.isPending}>
        Connect
      </button>{' '}
      <button type="button" className="secondary" onClick={() => onDone()}>
        Cancel
      </button>
    </form>
  );
}

function MembersPicker({ channel, users }: { channel: Channel; users: User[] }) {
  const queryClient = useQueryClient();
  const members = useQuery({
    queryKey: queryKeys.channelMembers(channel.id),
    queryFn: () => adminApi.channelMembers(channel.id),
  });
  const save = useMutation({
    mutationFn: (userIds: string[]) => adminApi.setChannelMembers(channel.id, userIds),
    onSuccess: (answer) => queryClient.setQueryData(queryKeys.channelMembers(channel.id), answer),
  });
  const current = new Set(members.data?.userIds ?? []);
  const toggle = (userId: string): void => {
    const next = new Set(current);
    if (next.has(userId)) next.delete(userId);
    else next.add(userId);
    save.mutate([...next]);
  };
  return (
    <fieldset className="members" data-testid="channel-members">
      <legend>Members</legend>
      {users
        .filter((user) => user.role === 'agent')
        .map((user) => (
          <label key={user.id}>
            <input
              type="checkbox"
              aria-label={`Member ${user.name}`}
              checked={current.has(user.id)}
              disabled={!members.data || save.isPending}
              onChange={() => toggle(user.id)}
            />
            {user.name}
          </label>
        ))}
      {save.isError && <p className="error">Could not change members: {save.error.message}</p>}
    </fieldset>
  );
}

function ChannelEditor({ channel, users, verifyToken }: { channel: Channel; users: User[]; verifyToken?: string }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(channel.name);
  const [humanAgentTag, setHumanAgentTag] = useState(channel.humanAgentTag);
  const [credentials, setCredentials] = useState<Record<string, string>>({});
  const update = useMutation({
    mutationFn: () => {
      const filled = filledCredentials(credentials);
      return adminApi.updateChannel(channel.id, {
        name,
        humanAgentTag,
        ...(Object.keys(filled).length > 0 ? { credentials: filled } : {}),
      });
    },
    onSuccess: (updated) => {
      queryClient.setQueryData<Channel[]>(queryKeys.channels, (list) =>
        list?.map((cached) => (cached.id === updated.id ? updated : cached)),
      );
      setCredentials({});
    },
  });
  const remove = useMutation({
    mutationFn: () => adminApi.deleteChannel(channel.id),
    onSuccess: () => applyChannelGone(queryClient, channel.id),
  });
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    update.mutate();
  };
  return (
    <section className="channel-editor" data-testid="channel-editor" data-channel-id={channel.id}>
      <p>
        Webhook URL: <code data-testid="webhook-url">{absoluteWebhookUrl(channel.webhookUrl)}</code>
      </p>
      {verifyToken && (
        <p>
          Verify token: <code data-testid="verify-token">{verifyToken}</code>{' '}
          <small className="muted">(as entered; shown only now, it is stored write-only like the other credentials)</small>
        </p>
      )}
      <p className="muted">{PLATFORM_SETUP[channel.platform].help}</p>
      <form className="admin-form" aria-label="Edit channel" onSubmit={submit}>
        <label>
          Name
          <input aria-label="Channel name" required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        {channel.platform === 'facebook' && (
          <label className="check">
            <input type="checkbox" checked={humanAgentTag} onChange={(e) => setHumanAgentTag(e.target.checked)} />
            Use the HUMAN_AGENT tag 24 h – 7 d after the customer&apos;s last message
          </label>
        )}
        <CredentialFields platform={channel.platform} values={credentials} onChange={setCredentials} saved />
        {update.isError && <p className="error">Could not save: {update.error.message}</p>}
        <button type="submit" disabled={update.isPending}>
          Save
        </button>{' '}
        <button
          type="button"
          className="link danger"
          onClick={() => {
            if (window.confirm(`Delete ${channel.name} with all its conversations? This cannot be undone.`))
              remove.mutate();
          }}
        >
          Delete channel
        </button>
      </form>
      {remove.isError && <p className="error">Could not delete: {remove.error.message}</p>}
      <MembersPicker channel={channel} users={users} />
    </section>
  );
}

/** Every channel of the workspace; channel_* events keep it live (stream-cache-effects). */
export function ChannelsPage() {
  const { channelId } = useParams();
  const channels = useChannels();
  const users = useQuery({ queryKey: queryKeys.users, queryFn: () => api.listUsers() });
  const [connecting, setConnecting] = useState(false);
  const [connected, setConnected] = useState<Connected | null>(null);
  const [openId, setOpenId] = useState<string | undefined>(channelId);
  const open = channels.find((channel) => channel.id === openId);
  return (
    <div className="admin-channels pad">
      <div className="toolbar">
        <h1>Channels</h1>
        <button type="button" onClick={() => setConnecting(true)}>
          Connect a channel
        </button>
      </div>
      {connecting && (
        <ConnectForm
          onDone={(done) => {
            setConnecting(false);
            // What to paste into the platform's console comes next: open the new channel.
            if (done) {
              setConnected(done);
              setOpenId(done.channel.id);
            }
          }}
        />
      )}
      <table data-testid="channel-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Platform</th>
            <th>Status</th>
            <th>Token expires</th>
            <th>Credentials</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {channels.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No channels yet.
              </td>
            </tr>
          )}
          {channels.map((channel) => (
            <tr key={channel.id} data-testid="channel-row" data-channel-id={channel.id}>
              <td>{channel.name}</td>
              <td>{PLATFORM_SETUP[channel.platform].label}</td>
              <td>
                {channel.status === 'active' ? 'active' : 'needs reconnect'}
                {channel.statusReason && <small className="error"> {channel.statusReason}</small>}
              </td>
              <td>{channel.tokenExpiresAt ? new Date(channel.tokenExpiresAt).toLocaleString() : '—'}</td>
              <td>{channel.hasCredentials ? 'set' : '—'}</td>
              <td>
                <button type="button" className="link" onClick={() => setOpenId(channel.id)}>
                  Manage
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && (
        <ChannelEditor
          key={open.id}
          channel={open}
          users={users.data ?? []}
          verifyToken={connected?.channel.id === open.id ? connected.verifyToken : undefined}
        />
      )}
    </div>
  );
}
