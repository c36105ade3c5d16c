import { Injectable } from '@nestjs/common';
import type { StreamAccess } from '../access/access.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import type { StreamConnection } from './stream-connection.js';

interface UserStreams {
  /** The user's live access, shared by all their streams here, so one access change updates all of them. */
  access: StreamAccess;
  connections: Set<StreamConnection>;
}

/**
 * The open streams of this instance, by workspace (for fan-out) and by user (for limits, access and timers),
 * and the owner of each user's live access. Only this class and the access changes it applies mutate that
 * access; the streams read it on every delivery.
 */
@Injectable()
export class StreamRegistry {
  private readonly byWorkspace = new Map<string, Set<StreamConnection>>();
  private readonly byUser = new Map<string, UserStreams>();
  /** Bumped per workspace by every access change, so an access snapshot loaded concurrently can be re-read. */
  private readonly accessVersions = new Map<string, number>();
  private count = 0;

  get openCount(): number {
    return this.count;
  }

  countForUser(userId: string): number {
    return this.byUser.get(userId)?.connections.size ?? 0;
  }

  /** Internal map sizes, for leak checks. */
  sizes(): { workspaces: number; users: number; connections: number; accessVersions: number } {
    return { workspaces: this.byWorkspace.size, users: this.byUser.size, connections: this.count, accessVersions: this.accessVersions.size };
  }

  accessVersion(workspaceId: string): number {
    return this.accessVersions.get(workspaceId) ?? 0;
  }

  bumpAccessVersion(workspaceId: string): void {
    this.accessVersions.set(workspaceId, this.accessVersion(workspaceId) + 1);
  }

  /** Whether a new stream of this actor can share the live access of their open streams (no database read). */
  sharesAccess(actor: AuthUser): boolean {
    return this.byUser.get(actor.id)?.access.isAdmin === (actor.role === 'admin');
  }

  /**
   * Adds a stream and gives it its user's live access: the one already shared by the user's open streams, or
   * `loaded` (read from the database) for the user's first stream here. A `loaded` access for another role
   * replaces the shared one; the role change closes the older streams when its access event arrives.
   */
  add(connection: StreamConnection, loaded: StreamAccess | undefined): void {
    let user = this.byUser.get(connection.userId);
    if (!user) {
      if (!loaded) throw new Error('a stream without shared access needs its loaded access');
      user = { access: loaded, connections: new Set() };
      this.byUser.set(connection.userId, user);
    } else if (loaded && loaded.isAdmin !== user.access.isAdmin) {
      user.access = loaded;
    }
    connection.access = user.access;
    user.connections.add(connection);
    let workspace = this.byWorkspace.get(connection.workspaceId);
    if (!workspace) {
      workspace = new Set();
      this.byWorkspace.set(connection.workspaceId, workspace);
    }
    workspace.add(connection);
    this.count += 1;
  }

  /** Removes a stream; the maps of a user or workspace without streams go with it. */
  remove(connection: StreamConnection): void {
    const user = this.byUser.get(connection.userId);
    if (user) {
      user.connections.delete(connection);
      if (user.connections.size === 0) this.byUser.delete(connection.userId);
    }
    const workspace = this.byWorkspace.get(connection.workspaceId);
    if (workspace) {
      workspace.delete(connection);
      if (workspace.size === 0) {
        this.byWorkspace.delete(connection.workspaceId);
        this.accessVersions.delete(connection.workspaceId);
      }
    }
    this.count -= 1;
  }

  /** The streams of a workspace (the fan-out's one map lookup per event), undefined when there are none. */
  inWorkspace(workspaceId: string): ReadonlySet<StreamConnection> | undefined {
    return this.byWorkspace.get(workspaceId);
  }

  /** Every user with open streams here: their shared access and their streams. */
  users(): IterableIterator<Readonly<UserStreams>> {
    return this.byUser.values();
  }

  connectionsOf(userId: string): ReadonlySet<StreamConnection> {
    return this.byUser.get(userId)?.connections ?? NO_CONNECTIONS;
  }
}

const NO_CONNECTIONS: ReadonlySet<StreamConnection> = new Set();
