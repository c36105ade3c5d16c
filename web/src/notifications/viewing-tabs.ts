/** What one tab shows: the open conversation, and whether the tab can be seen at all. */
interface TabView {
  conversationId: string | null;
  visible: boolean;
}

type ViewingMessage =
  { kind: 'view'; tabId: string; view: TabView } | { kind: 'gone'; tabId: string } | { kind: 'hello' };

/**
 * Which conversations the agent is looking at in any tab of this browser, so the one tab that notifies
 * (the stream's leader) stays quiet about a conversation visible in another tab.
 */
export class ViewingTabs {
  private readonly tabId = crypto.randomUUID();
  private readonly others = new Map<string, TabView>();
  private readonly channel: BroadcastChannel | null;
  private own: TabView = { conversationId: null, visible: false };

  constructor(userId: string) {
    this.channel =
      typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(`crm-inbox.viewing.${userId}`);
    if (this.channel) {
      this.channel.onmessage = (event: MessageEvent<ViewingMessage>) => this.receive(event.data);
      this.channel.postMessage({ kind: 'hello' } satisfies ViewingMessage);
    }
  }

  show(view: TabView): void {
    this.own = view;
    this.channel?.postMessage({ kind: 'view', tabId: this.tabId, view } satisfies ViewingMessage);
  }

  isLookingAt(conversationId: string): boolean {
    const looking = (view: TabView): boolean => view.visible && view.conversationId === conversationId;
    return looking(this.own) || [...this.others.values()].some(looking);
  }

  close(): void {
    if (!this.channel) return;
    this.channel.postMessage({ kind: 'gone', tabId: this.tabId } satisfies ViewingMessage);
    this.channel.onmessage = null;
    this.channel.close();
  }

  private receive(message: ViewingMessage): void {
    switch (message.kind) {
      case 'view':
        this.others.set(message.tabId, message.view);
        break;
      case 'gone':
        this.others.delete(message.tabId);
        break;
      case 'hello':
        this.channel?.postMessage({
          kind: 'view',
          tabId: this.tabId,
          view: this.own,
        } satisfies ViewingMessage);
        break;
    }
  }
}
