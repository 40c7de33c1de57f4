// A terminal pane showing a service's terminal, with its state, address, the Wire view and a
// reconnect button.
import { useSyncExternalStore } from 'react';
import { TraceView } from '../wire/TraceView.tsx';
import { WireToggle, type WireControl } from '../wire/WireToggle.tsx';
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
  /** In a split layout the header picks what the pane shows; alone it names the service. */
  split: boolean;
  choices: readonly PaneChoice[];
  wire: WireControl;
  onFocus: () => void;
  onChoose: (key: PaneKey) => void;
}

/** A pane showing a service's terminal. */
export function ServicePane({ index, session, layer, focused, split, choices, wire, onFocus, onChoose }: Props) {
  const snapshot = useSyncExternalStore(session.subscribe, session.getSnapshot);
  return (
    <TerminalPane
      index={index}
      content={session}
      layer={layer}
      focused={focused}
      data={{ 'data-service': session.service }}
      onFocus={onFocus}
      aside={
        wire.open && (
          <TraceView
            store={session.trace}
            title={`${session.title} terminal`}
            subject={{ kind: 'terminal', service: session.service }}
            wire={wire}
          />
        )
      }
      header={
        <div className="pane-header">
          <SessionDot session={session} />
          {split ? (
            <PaneSelect index={index} value={session.service} choices={choices} onChoose={onChoose} />
          ) : (
            <span className="pane-title">{session.title}</span>
          )}
          {snapshot.address && <span className="pane-address">{snapshot.address}</span>}
          <WireToggle wire={wire} />
        </div>
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
