import { useEffect, useMemo } from 'react';
import { api } from '../api/endpoints';
import { ActivityReporter } from './activity-reporter';
import { useDocumentVisible } from './use-document-visible';

export interface ComposerActivity {
  typed: () => void;
  stopTyping: () => void;
}

/** Reports this agent's viewing and typing in an open conversation to the other agents. */
export function useActivityReporter(conversationId: string): ComposerActivity {
  const visible = useDocumentVisible();
  const reporter = useMemo(
    () => new ActivityReporter((kind) => api.reportActivity(conversationId, kind)),
    [conversationId],
  );
  useEffect(() => () => reporter.dispose(), [reporter]);
  useEffect(() => reporter.setVisible(visible), [reporter, visible]);
  return useMemo(
    () => ({ typed: () => reporter.typed(), stopTyping: () => reporter.stopTyping() }),
    [reporter],
  );
}
