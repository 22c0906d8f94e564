import { createRoot } from 'react-dom/client';

function App() {
  return <div>Switchboard</div>;
}

createRoot(document.getElementById('root')!).render(<App />);
