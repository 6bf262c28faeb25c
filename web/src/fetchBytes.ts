/** A same-origin resource as bytes; a failed request is an error naming the URL and the server's answer. */
export async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${res.statusText}: ${(await res.text()).trim()}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** JSON from the server, or null where there is none (the app hosted as plain static files). */
export async function fetchJsonOrNull<T>(url: string): Promise<T | null> {
  try {
    const res = await fetch(url);
    if (!res.ok || !(res.headers.get('content-type') ?? '').includes('json')) return null;
    return (await res.json()) as T;
  } catch {
    return null;
  }
}
