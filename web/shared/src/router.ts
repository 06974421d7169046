/**
 * Hash routes (#/product/blue-mug): any static server serves the apps, with
 * no rewrite of deep links to index.html.
 */
import { useEffect, useState } from 'react';

export interface Location {
  path: string;
  segments: string[];
  query: URLSearchParams;
}

export function currentLocation(): Location {
  const hash = window.location.hash.replace(/^#/, '') || '/';
  const [rawPath = '/', rawQuery = ''] = hash.split('?', 2);
  const segments = rawPath
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    });
  return { path: `/${segments.join('/')}`, segments, query: new URLSearchParams(rawQuery) };
}

export function useLocation(): Location {
  const [location, setLocation] = useState(currentLocation);
  useEffect(() => {
    const update = () => setLocation(currentLocation());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return location;
}

/** `#/a/b?x=1` for (["a", "b"], {x: "1"}), each segment encoded. */
export function href(segments: ReadonlyArray<string>, query?: Record<string, string | undefined>): string {
  const path = segments.map(encodeURIComponent).join('/');
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value) params.set(key, value);
  const search = params.toString();
  return `#/${path}${search ? `?${search}` : ''}`;
}

export function navigate(to: string): void {
  window.location.hash = to.replace(/^#/, '');
  window.scrollTo(0, 0);
}
