import { createRoot } from 'react-dom/client';
import '../common/base.css';
import './shop.css';
import { App } from './app.js';
import { connect } from './gu.js';

const root = createRoot(document.getElementById('root')!);
connect().then(
  () => root.render(<App />),
  (error: unknown) => {
    console.error(error);
    root.render(<p className="fatal">Gu Mart is unavailable right now. Please reload in a moment.</p>);
  },
);
