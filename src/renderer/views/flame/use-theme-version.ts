// A number that changes when the colour scheme flips, so canvases redraw with the new palette.
import { useEffect, useState } from 'react';

export function useThemeVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const query = window.matchMedia('(prefers-color-scheme: light)');
    const bump = () => setVersion((v) => v + 1);
    query.addEventListener('change', bump);
    return () => query.removeEventListener('change', bump);
  }, []);
  return version;
}
