/** React access to the one API object. */
import { createContext, useContext } from 'react';
import type { DesktopApi } from './desktop-api.js';

export const ApiContext = createContext<DesktopApi | null>(null);

export function useApi(): DesktopApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside <ApiContext.Provider>');
  return api;
}
