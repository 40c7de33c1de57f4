// The page's entry: the theme (before anything is drawn), the global styles, then the app under
// React's StrictMode.
import './theme.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xterm/xterm/css/xterm.css';
// The styles in the order they cascade: rules of equal specificity in a later file win, so this
// order is part of the look (a dashboard toast takes toast.css, then classroom-notices.css).
import './styles.css';
import './top-bar/top-bar.css';
import './panels.css';
import './lesson/lesson.css';
import './editor/editor.css';
import './terminal/terminals.css';
import './inspect/inspect.css';
import './wire/wire.css';
import './toast.css';
import './lesson/lesson-view.css';
import './classroom-notices.css';
import { Boot } from './Boot.tsx';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Boot />
  </StrictMode>,
);
