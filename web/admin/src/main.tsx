import '@minishop/web-shared/styles.css';
import './admin.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { loadConfig } from '@minishop/web-shared/config';

import { App } from './App';
import { connect } from './graph';

async function start(): Promise<void> {
  const root = createRoot(document.getElementById('root')!);
  try {
    const graph = connect(await loadConfig());
    await graph.session.resume();
    root.render(
      <StrictMode>
        <App graph={graph} />
      </StrictMode>,
    );
  } catch (error) {
    root.render(
      <main>
        <div className="notice notice-error" role="alert">
          The admin app could not start: {error instanceof Error ? error.message : String(error)}
        </div>
      </main>,
    );
  }
}

void start();
