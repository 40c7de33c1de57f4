import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xterm/xterm/css/xterm.css';
import './styles.css';
import { App } from './App.tsx';
import { Workspace } from './workspace.ts';

// Created once, outside React: StrictMode's double mounting must not open sockets or terminals twice.
const workspace = new Workspace();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App workspace={workspace} />
  </StrictMode>,
);
