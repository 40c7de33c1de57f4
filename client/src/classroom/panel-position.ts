// Where a floating panel may be dragged: wholly inside the window, clear of its edges, so its
// title bar (the only way to move it back) can always be reached.

export interface PanelPosition {
  left: number;
  top: number;
}

export interface Size {
  width: number;
  height: number;
}

/** Space kept between a panel and the window's edges. */
export const PANEL_EDGE_MARGIN_PX = 8;

export function clampPanel(position: PanelPosition, panel: Size, viewport: Size): PanelPosition {
  const clamp = (value: number, size: number, room: number) =>
    Math.max(PANEL_EDGE_MARGIN_PX, Math.min(value, room - size - PANEL_EDGE_MARGIN_PX));
  return {
    left: Math.round(clamp(position.left, panel.width, viewport.width)),
    top: Math.round(clamp(position.top, panel.height, viewport.height)),
  };
}
