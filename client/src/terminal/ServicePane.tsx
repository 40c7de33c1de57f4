// A terminal pane showing a service's terminal, with its state, address and a reconnect button.
import { useSyncExternalStore } from 'react';
import { PaneSelect, type PaneChoice } from './PaneSelect.tsx';
import { SessionDot } from './SessionDot.tsx';
import { TerminalPane } from './TerminalPane.tsx';
import type { PaneKey } from './pane-layout.ts';
import type { TerminalSession } from './terminal-session.ts';

interface Props {
  index: number;
  session: TerminalSession;
  layer: HTMLElement;
  focused: boolean;
  showHeader: boolean;
  choices: readonly PaneChoice[];
  onFocus: () => void;
  onChoose: (key: PaneKey) => void;
}

/** A pane showing a service's terminal. */
export function ServicePane({ index, session, layer, focused, showHeader, choices, onFocus, onChoose }: Props) {
  const snapshot = useSyncExternalStore(session.subscribe, session.getSnapshot);
  return (
    <TerminalPane
      index={index}
      content={session}
      layer={layer}
      focused={focused}
      data={{ 'data-service': session.service }}
      onFocus={onFocus}
      header={
        showHeader && (
          <div className="pane-header">
            <SessionDot session={session} />
            <PaneSelect index={index} value={session.service} choices={choices} onChoose={onChoose} />
            {snapshot.address && <span className="pane-address">{snapshot.address}</span>}
          </div>
        )
      }
      overlay={
        snapshot.state === 'ended' && (
          <button type="button" className="button reconnect-button" onClick={() => session.open()}>
            Reconnect {session.title}
          </button>
        )
      }
    />
  );
}
