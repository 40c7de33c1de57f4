import { describe, expect, test } from 'vitest';
import { PANEL_EDGE_MARGIN_PX, clampPanel } from './panel-position.ts';

describe('panel position', () => {
  const viewport = { width: 1200, height: 800 };
  const panel = { width: 500, height: 300 };

  test('a position inside the window stays', () => {
    expect(clampPanel({ left: 100, top: 200 }, panel, viewport)).toEqual({ left: 100, top: 200 });
  });

  test('a panel dragged past an edge stops at the margin', () => {
    expect(clampPanel({ left: -50, top: -10 }, panel, viewport)).toEqual({
      left: PANEL_EDGE_MARGIN_PX,
      top: PANEL_EDGE_MARGIN_PX,
    });
    expect(clampPanel({ left: 1000, top: 700 }, panel, viewport)).toEqual({
      left: 1200 - 500 - PANEL_EDGE_MARGIN_PX,
      top: 800 - 300 - PANEL_EDGE_MARGIN_PX,
    });
  });

  test('a panel bigger than the window keeps its top-left corner (and title bar) in view', () => {
    expect(clampPanel({ left: 300, top: 300 }, { width: 1500, height: 900 }, viewport)).toEqual({
      left: PANEL_EDGE_MARGIN_PX,
      top: PANEL_EDGE_MARGIN_PX,
    });
  });
});
