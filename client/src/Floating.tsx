// A box hung below an element through a portal on the body, so a popover is not clipped by its panel.
import { useLayoutEffect, useState, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';

interface Props {
  /** The element it hangs from. */
  anchor: RefObject<HTMLElement | null>;
  /** Which edges line up: the anchor's left with its left, or right with right. */
  align?: 'left' | 'right';
  className?: string;
  children: ReactNode;
  [data: `data-${string}`]: string | undefined;
  role?: string;
  'aria-label'?: string;
}

/** Distance between the anchor and what hangs below it. */
const GAP_PX = 6;

/**
 * Something shown below an element, in a portal on the body: the panels clip what leaves them,
 * and a popover over the editor must be able to reach over the terminals.
 */
export function Floating({ anchor, align = 'left', className, children, ...rest }: Props) {
  const [box, setBox] = useState<DOMRect | null>(null);
  useLayoutEffect(() => {
    const measure = () => setBox(anchor.current?.getBoundingClientRect() ?? null);
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, [anchor]);
  if (!box) return null;
  const style =
    align === 'left'
      ? { top: box.bottom + GAP_PX, left: box.left }
      : { top: box.bottom + GAP_PX, right: document.documentElement.clientWidth - box.right };
  return createPortal(
    <div className={`floating ${className ?? ''}`} style={style} {...rest}>
      {children}
    </div>,
    document.body,
  );
}
