import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

// Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection and are never forwarded.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

// Copy end-to-end headers only: hop-by-hop ones and those the Connection header names are left out.
export function endToEndHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  return out;
}

// Headers of the request sent upstream: end-to-end ones plus X-Forwarded-For (appended to any present).
export function upstreamRequestHeaders(headers: IncomingHttpHeaders, clientAddress: string | undefined): OutgoingHttpHeaders {
  const out = endToEndHeaders(headers);
  if (clientAddress) {
    const prior = headers['x-forwarded-for'];
    out['x-forwarded-for'] = prior ? `${String(prior)}, ${clientAddress}` : clientAddress;
  }
  return out;
}
