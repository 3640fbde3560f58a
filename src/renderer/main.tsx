/** Renderer entry: pick the transport, mount the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiContext } from './api/api-context.js';
import { createApi } from './api/create-api.js';
import { App } from './app.js';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
void createApi().then((api) => {
  createRoot(root).render(
    <StrictMode>
      {api.accessProblem ? (
        <main className="access-problem">
          <h1>Novelty Labeler</h1>
          <p role="alert">{api.accessProblem}</p>
        </main>
      ) : (
        <ApiContext.Provider value={api}>
          <App />
        </ApiContext.Provider>
      )}
    </StrictMode>,
  );
});
