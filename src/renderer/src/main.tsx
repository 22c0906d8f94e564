// Base styles first so feature stylesheets, loaded with their views, override them.
import './styles/theme.css';
import './styles/base.css';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { ClientProvider } from './client/context';
import { setClient } from './client/instance';
import { pickClient } from './client/pick';

const client = pickClient();
setClient(client);

createRoot(document.getElementById('root')!).render(
  <ClientProvider client={client}>
    <App />
  </ClientProvider>,
);
