import { describe, expect, it } from 'vitest';
import { ProjectStore } from '../../src/main/store/project-store.js';
import { syntheticProject } from '../helpers/synthetic-project.js';

describe('settings and a rolled-back transaction', () => {
  it('a setting changed inside a transaction that rolls back is not reported afterwards', () => {
    const { store, file } = syntheticProject(10, 4, { embedder: 'autoencoder' });
    expect(() =>
      store.transaction(() => {
        store.updateSettings({ embedder: 'polar-fourier' });
        expect(store.settings.embedder).toBe('polar-fourier'); // seen inside the transaction
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    const fresh = ProjectStore.open(file);
    expect(fresh.settings.embedder).toBe('autoencoder');
    expect(store.settings.embedder).toBe('autoencoder');
    fresh.close();
    store.close();
  });
});
