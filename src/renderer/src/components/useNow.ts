import { useEffect, useState } from 'react';

/** Current time, refreshed every `ms`, so relative times ("12 s ago") stay true. */
export function useNow(ms = 10_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
