/**
 * The React starter: everything it does goes through @lockbox/react's hooks. Its settings come from
 * `config.json` beside the page (local mode serves it; a deployment writes it from `npx cdktf output`),
 * so one build works against any stack.
 */
import type { LockboxConfig } from '@lockbox/client';
import { LockboxProvider } from '@lockbox/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { describeError } from './notices';
import './styles.css';

async function main(): Promise<void> {
  const root = createRoot(document.getElementById('root') as HTMLElement);
  let config: LockboxConfig;
  try {
    const response = await fetch('config.json', { cache: 'no-store' });
    if (!response.ok) throw new Error(`config.json answered ${response.status}`);
    config = (await response.json()) as LockboxConfig;
  } catch (error) {
    root.render(
      <p className="card alert" role="alert">
        The app could not load its settings: {describeError(error)}
      </p>,
    );
    return;
  }
  root.render(
    <StrictMode>
      <LockboxProvider config={config}>
        <App />
      </LockboxProvider>
    </StrictMode>,
  );
}

void main();
