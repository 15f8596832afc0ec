// Entry point: starts the idle signal, hears engine events, loads sessions, mounts the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'uplot/dist/uPlot.min.css';
import './styles/theme.css';
import './styles/layout.css';
import './styles/panels.css';
import './styles/sessions.css';
import './styles/session-header.css';
import './styles/flame.css';
import './styles/top-functions.css';
import './styles/cpu-views.css';
import './styles/metrics.css';
import './styles/logs.css';
import './styles/signals.css';
import './styles/spans.css';
import './styles/attach.css';
import './styles/timeline.css';
import './styles/session-files.css';
import { connectEngineEvents } from './state/engine-events';
import { initIdleSignal } from './state/idle';
import { useSessions } from './state/sessions';
import { App } from './views/App';

initIdleSignal();
connectEngineEvents();
void useSessions.getState().refresh();

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
