import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
// No StrictMode: its double-mounted effects would start and kill a second training worker in development.
createRoot(container).render(<App />);
