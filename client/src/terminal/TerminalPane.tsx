// One pane of the terminal area: a header, and a body over which a terminal (service or run) is placed.
// With its Wire view open the body shares the pane with it (wire/WireSplit.tsx).
import { useEffect, useState, type ReactNode } from 'react';
import { WireSplit } from '../wire/WireSplit.tsx';
import type { Placeable } from './layer-terminal.ts';

interface Props {
  index: number;
  /** What the pane shows: a service terminal or a run. */
  content: Placeable;
  /** The layer holding the terminal elements; positions are relative to it. */
  layer: HTMLElement;
  focused: boolean;
  header: ReactNode;
  /** Drawn over the terminal (a reconnect button). */
  overlay?: ReactNode;
  /** Shown beside (or under) the terminal: the pane's Wire view, when open. */
  aside?: ReactNode;
  /** data-service or data-run, for tests and styles. */
  data: Record<`data-${string}`, string>;
  onFocus: () => void;
}

/** One pane of the terminal area: its body is the place over which a terminal is shown. */
export function TerminalPane({ index, content, layer, focused, header, overlay, aside, data, onFocus }: Props) {
  // State, not a ref: opening the Wire view puts the body in a new place, and the terminal follows it.
  const [body, setBody] = useState<HTMLDivElement | null>(null);

  // A passive effect: it runs after the terminal area has adopted the layer (a parent's layout
  // effect, which React runs after its children's), so the layer's box is final here.
  useEffect(() => {
    if (!body) return;
    const el = body;
    const place = () => {
      const b = el.getBoundingClientRect();
      const l = layer.getBoundingClientRect();
      content.show({ left: b.left - l.left, top: b.top - l.top, width: b.width, height: b.height });
    };
    place();
    // A pane that moves also changes size (separators, headers), so watching sizes is enough;
    // the layer is watched too for moves of the whole area.
    const observer = new ResizeObserver(place);
    observer.observe(el);
    observer.observe(layer);
    return () => {
      observer.disconnect();
      content.hide();
    };
  }, [content, layer, body]);

  const bodyElement = <div className="terminal-body" ref={setBody} />;

  return (
    <div
      className={`terminal-pane${focused ? ' focused' : ''}`}
      data-testid={`terminal-pane-${index}`}
      {...data}
      onFocusCapture={onFocus}
    >
      {header}
      {aside ? (
        // The overlay stays over the output, not over the view beside it.
        <WireSplit
          body={
            <>
              {bodyElement}
              {overlay}
            </>
          }
        >
          {aside}
        </WireSplit>
      ) : (
        <>
          {bodyElement}
          {overlay}
        </>
      )}
    </div>
  );
}
