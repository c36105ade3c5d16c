import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api/endpoints';
import type { User, UserRole } from '../api/models';
import { useCurrentUser } from '../auth/auth-provider';
import { queryKeys } from '../cache/query-keys';
import { applyUser } from '../cache/stream-cache-effects';
import { adminApi } from './admin-api';
import './admin.css';

const EMPTY = { name: '', email: '', role: 'agent' as UserRole, password: '' };

/** Users of the workspace; user_created / user_updated / user_deleted keep the list live (stream-cache-effects). */
export function UsersPage() {
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const users = useQuery({ queryKey: queryKeys.users, queryFn: () => api.listUsers() });
  const [draft, setDraft] = useState(EMPTY);

  const create = useMutation({
    mutationFn: () => adminApi.createUser(draft),
    onSuccess: (user) => {
      applyUser(queryClient, user);
      setDraft(EMPTY);
    },
  });
  const update = useMutation({
    mutationFn: ({ user, change }: { user: User; change: { role?: UserRole; password?: string } }) =>
      adminApi.updateUser(user.id, change),
    onSuccess: (user) => applyUser(queryClient, user),
  });
  const remove = useMutation({
    mutationFn: (user: User) => adminApi.deleteUser(user.id),
    onSuccess: (_answer, user) =>
      queryClient.setQueryData<User[]>(queryKeys.users, (list) => list?.filter((cached) => cached.id !== user.id)),
  });

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    create.mutate();
  };
  const setPassword = (user: User): void => {
    const password = window.prompt(`New password for ${user.name} (at least 8 characters)`);
    if (password) update.mutate({ user, change: { password } });
  };
  const confirmDelete = (user: User): void => {
    if (window.confirm(`Delete ${user.name} (${user.email})? This cannot be undone.`)) remove.mutate(user);
  };

  return (
    <div className="admin-users pad">
      <h1>Users</h1>
      <form className="admin-form" onSubmit={submit} aria-label="New user">
        <input aria-label="Name" placeholder="Name" required value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        <input aria-label="Email" type="email" placeholder="Email" required value={draft.email} onChange={(e) => setDraft({ ...draft, email: e.target.value })} />
        <select aria-label="Role" value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.target.value as UserRole })}>
          <option value="agent">agent</option>
          <option value="admin">admin</option>
        </select>
        <input aria-label="Initial password" type="password" placeholder="Initial password" required minLength={8} value={draft.password} onChange={(e) => setDraft({ ...draft, password: e.target.value })} />
        <button type="submit" disabled={create.isPending}>
          Create user
        </button>
      </form>
      {create.isError && <p className="error">Could not create: {create.error.message}</p>}
      {update.isError && <p className="error">Could not change: {update.error.message}</p>}
      {remove.isError && <p className="error">Could not delete: {remove.error.message}</p>}
      {users.isPending && <p className="muted">Loading users…</p>}
      {users.isError && <p className="error">Could not load users: {users.error.message}</p>}
      {users.data && (
        <table data-testid="user-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th>Role</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {users.data.map((user) => (
              <tr key={user.id} data-testid="user-row" data-user-id={user.id}>
                <td>{user.name}</td>
                <td>{user.email}</td>
                <td>
                  <select
                    aria-label={`Role of ${user.name}`}
                    value={user.role}
                    disabled={user.id === me.id}
                    onChange={(e) => update.mutate({ user, change: { role: e.target.value as UserRole } })}
                  >
                    <option value="agent">agent</option>
                    <option value="admin">admin</option>
                  </select>
                </td>
                <td>
                  <button type="button" className="link" onClick={() => setPassword(user)}>
                    Set password
                  </button>{' '}
                  {user.id !== me.id && (
                    <button type="button" className="link danger" onClick={() => confirmDelete(user)}>
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
