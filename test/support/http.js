'use strict';
/** HTTP for the simulator REST tests. */

/** Fetches `url` and resolves with {status, headers, body}: the body parsed as JSON (a reply that is not JSON fails the test). */
async function fetchJson(url, init) {
  const res = await fetch(url, init);
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${init?.method || 'GET'} ${url}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  return { status: res.status, headers: res.headers, body };
}

module.exports = { fetchJson };
