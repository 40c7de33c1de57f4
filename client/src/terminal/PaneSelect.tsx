// The picker in a pane's header that chooses what a pane of a split layout shows.
import type { PaneKey } from './pane-layout.ts';

export interface PaneChoice {
  key: PaneKey;
  title: string;
}

/** Picks what a pane of a split layout shows: any service terminal or run pane. */
export function PaneSelect({
  index,
  value,
  choices,
  onChoose,
}: {
  index: number;
  value: PaneKey;
  choices: readonly PaneChoice[];
  onChoose: (key: PaneKey) => void;
}) {
  return (
    <select
      className="pane-select"
      aria-label={`Shown in pane ${index + 1}`}
      value={value}
      onChange={(e) => onChoose(e.target.value)}
    >
      {choices.map((c) => (
        <option key={c.key} value={c.key}>
          {c.title}
        </option>
      ))}
    </select>
  );
}
