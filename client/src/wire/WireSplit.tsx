// A pane's body and its Wire view, split: side by side where the pane is wide, the view under the
// output where it is tall or narrow, so the output keeps a usable width either way. The learner can
// move the separator; the sizes are kept per direction for the tab (sessionStorage).
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { Group, Panel, Separator, useDefaultLayout, type LayoutStorage } from 'react-resizable-panels';

/** Side by side from this width on, whatever the height (a wide pane has room for both). */
const SIDE_BY_SIDE_MIN_PX = 900;
/** Below this width always one above the other: two columns would leave neither readable. */
const STACKED_MAX_PX = 560;

/** How the split goes for a pane body of `width` × `height`: wide and low side by side, else stacked. */
export function splitOrientation(width: number, height: number): 'horizontal' | 'vertical' {
  if (width >= SIDE_BY_SIDE_MIN_PX) return 'horizontal';
  if (width < STACKED_MAX_PX) return 'vertical';
  return width > height * 1.1 ? 'horizontal' : 'vertical';
}

function tabStorage(): LayoutStorage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

export function WireSplit({ body, children }: { body: ReactNode; children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const [orientation, setOrientation] = useState<'horizontal' | 'vertical' | null>(null);
  useLayoutEffect(() => {
    const el = box.current!;
    const measure = () => setOrientation(splitOrientation(el.clientWidth, el.clientHeight));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return (
    <div className="wire-split" ref={box}>
      {orientation && (
        <SplitGroup key={orientation} orientation={orientation} body={body}>
          {children}
        </SplitGroup>
      )}
    </div>
  );
}

function SplitGroup({
  orientation,
  body,
  children,
}: {
  orientation: 'horizontal' | 'vertical';
  body: ReactNode;
  children: ReactNode;
}) {
  const id = `wire-split-${orientation}`;
  const layout = useDefaultLayout({ id, storage: tabStorage() });
  const across = orientation === 'horizontal';
  return (
    <Group
      orientation={orientation}
      id={id}
      defaultLayout={layout.defaultLayout}
      onLayoutChanged={layout.onLayoutChanged}
    >
      <Panel id="output" minSize={across ? 200 : 90} defaultSize={across ? '42%' : '38%'} className="panel wire-output">
        {body}
      </Panel>
      <Separator className={`separator separator-${across ? 'vertical' : 'horizontal'}`} />
      <Panel id="wire" minSize={across ? 300 : 160} className="panel">
        {children}
      </Panel>
    </Group>
  );
}
