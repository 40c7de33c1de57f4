// The address learners open to join, from the server (GET /api/instructor/join-address): the
// page's own origin is wrong when the instructor opened the dashboard on 127.0.0.1.
import { useEffect, useState } from 'react';
import type { JoinAddress } from '../../../shared/classroom-api.ts';
import { fetchJoinAddress } from './api.ts';

/** Until the server answers (or if it cannot), the page's origin, marked as such. */
function pageAddress(): JoinAddress {
  return { base: window.location.origin, source: 'page', note: null };
}

export function useJoinAddress(): JoinAddress {
  const [address, setAddress] = useState<JoinAddress>(pageAddress);
  useEffect(() => {
    const abort = new AbortController();
    fetchJoinAddress(abort.signal).then(setAddress, () => {
      // The page's origin stays: right whenever the page was opened at a reachable address.
    });
    return () => abort.abort();
  }, []);
  return address;
}
