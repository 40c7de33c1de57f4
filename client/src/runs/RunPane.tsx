// A terminal pane showing a run of a file, with Stop, Run again, the Wire view and close in its header.
import { PaneSelect, type PaneChoice } from '../terminal/PaneSelect.tsx';
import { TerminalPane } from '../terminal/TerminalPane.tsx';
import type { PaneKey } from '../terminal/pane-layout.ts';
import { TraceView } from '../wire/TraceView.tsx';
import { WireToggle, type WireControl } from '../wire/WireToggle.tsx';
import type { RunManager } from './run-manager.ts';
import { isLive, outcome, paneTitle, statusText, type RunPaneInfo } from './run-panes.ts';
import type { RunSession } from './run-session.ts';

interface Props {
  index: number;
  info: RunPaneInfo;
  session: RunSession;
  runs: RunManager;
  layer: HTMLElement;
  focused: boolean;
  /** In a split layout the header picks what the pane shows; alone it names the run. */
  split: boolean;
  choices: readonly PaneChoice[];
  wire: WireControl;
  onFocus: () => void;
  onChoose: (key: PaneKey) => void;
}

/** A pane showing a run: its output and input, with Stop, Run again, Wire and close in its header. */
export function RunPane(props: Props) {
  const { index, info, session, runs, layer, focused, split, choices, wire, onFocus, onChoose } = props;
  const live = isLive(info.status);
  return (
    <TerminalPane
      index={index}
      content={session}
      layer={layer}
      focused={focused}
      data={{ 'data-run': info.key, 'data-file': info.file }}
      onFocus={onFocus}
      aside={
        wire.open && (
          <TraceView
            store={session.trace}
            title={paneTitle(info).slice(2)}
            subject={{ kind: 'run', live, started: info.runs > 0 && info.status !== 'failed' }}
            wire={wire}
          />
        )
      }
      header={
        <div
          className="pane-header run-header"
          data-testid="run-header"
          data-file={info.file}
          data-status={info.status}
        >
          <RunDot info={info} />
          {split ? (
            <PaneSelect index={index} value={info.key} choices={choices} onChoose={onChoose} />
          ) : (
            <span className="run-title">{paneTitle(info)}</span>
          )}
          <span
            className={`run-status run-status-${live && info.waiting ? 'waiting' : outcome(info)}`}
            data-testid="run-status"
            data-waiting={live && info.waiting ? 'true' : undefined}
            role="status"
          >
            {live && info.waiting && <span aria-hidden="true">⌨ </span>}
            {statusText(info)}
          </span>
          {/* Hidden where the header has no room for it (terminals.css); the shortcut help has it too. */}
          {live && focused && (
            <span className="run-hint" data-testid="run-hint">
              typing goes to the program · <kbd>Alt+0</kbd> editor
            </span>
          )}
          <span className="run-actions">
            <WireToggle wire={wire} />
            {live ? (
              <button
                type="button"
                className="button button-small button-stop"
                title={
                  info.status === 'interrupting'
                    ? 'The program is still running: kill it now'
                    : 'Interrupt the program (Ctrl-C); press again to kill it'
                }
                data-testid="run-stop"
                onClick={() => runs.stop(info.key)}
              >
                <span aria-hidden="true">■</span> {info.status === 'interrupting' ? 'Kill' : 'Stop'}
              </button>
            ) : (
              <button
                type="button"
                className="button button-small"
                title={`Run ${info.file} again here, as the editor has it now`}
                data-testid="run-again"
                onClick={() => runs.rerun(info.key)}
              >
                <span aria-hidden="true">↻</span> Run again
              </button>
            )}
            <button
              type="button"
              className="icon-button run-close"
              aria-label={`Close ${paneTitle(info).slice(2)}`}
              title={live ? 'Close (stops the program)' : 'Close'}
              data-testid="run-close"
              onClick={() => runs.close(info.key)}
            >
              ×
            </button>
          </span>
        </div>
      }
    />
  );
}

const OUTCOME_LABELS = { live: 'running', ok: 'ended well', failed: 'ended with an error' } as const;

/** Green and pulsing while the program runs; then green for exit 0, red for anything else. */
export function RunDot({ info }: { info: RunPaneInfo }) {
  const o = outcome(info);
  return <span className={`session-dot run-dot-${o}`} title={OUTCOME_LABELS[o]} aria-label={OUTCOME_LABELS[o]} />;
}
