import { createRoot } from 'react-dom/client';
import '../common/base.css';
import './admin.css';
import { AdminApp } from './app.js';

createRoot(document.getElementById('root')!).render(<AdminApp />);
