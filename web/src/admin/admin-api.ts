import { apiRequest } from '../api/http-client';
import type { components } from '../api/schema';
import type { Channel, ChannelMembers, User } from '../api/models';

type Schemas = components['schemas'];

export type NewUser = Schemas['CreateUserDto'];
export type UserChange = Schemas['UpdateUserDto'];
export type NewChannel = Schemas['CreateChannelDto'];
export type ChannelChange = Schemas['UpdateChannelDto'];

/** The admin routes of docs/api.md (users, channels, members). */
export const adminApi = {
  createUser: (input: NewUser) => apiRequest<User>('/users', { method: 'POST', body: input }),
  updateUser: (id: string, change: UserChange) => apiRequest<User>(`/users/${id}`, { method: 'PATCH', body: change }),
  deleteUser: (id: string) => apiRequest<void>(`/users/${id}`, { method: 'DELETE' }),
  createChannel: (input: NewChannel) => apiRequest<Channel>('/channels', { method: 'POST', body: input }),
  updateChannel: (id: string, change: ChannelChange) =>
    apiRequest<Channel>(`/channels/${id}`, { method: 'PATCH', body: change }),
  deleteChannel: (id: string) => apiRequest<void>(`/channels/${id}`, { method: 'DELETE' }),
  channelMembers: (id: string) => apiRequest<ChannelMembers>(`/channels/${id}/members`),
  setChannelMembers: (id: string, userIds: string[]) =>
    apiRequest<ChannelMembers>(`/channels/${id}/members`, { method: 'PUT', body: { userIds } }),
};
