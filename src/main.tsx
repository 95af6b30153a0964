import { createRoot } from 'react-dom/client';
import { App } from './App';
import { startServiceWorker } from './app/offline/serviceWorkerClient';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
// On a host that sends no isolation headers the first visit waits while the service worker caches the
// app, then reloads once; say so rather than show a blank page.
const notice = window.setTimeout(() => {
  container.textContent = 'Preparing Hybrid Lab for offline use and wasm threads (first visit only)…';
}, 300);
void startServiceWorker().then((outcome) => {
  window.clearTimeout(notice);
  if (outcome === 'reloading') return;
  container.textContent = '';
  // No StrictMode: its double-mounted effects would start and kill a second training worker in development.
  createRoot(container).render(<App />);
});
