// The Tauri IPC without @tauri-apps/api (keeps the bundle small): `invoke` and the event plugin's
// listen/unlisten, through window.__TAURI_INTERNALS__ which Tauri injects (and tests mock).

type Internals = {
  invoke: (cmd: string, args?: Record<string, unknown>) => Promise<unknown>;
  transformCallback: (cb: (payload: unknown) => void, once?: boolean) => number;
};

function internals(): Internals | undefined {
  return (window as unknown as { __TAURI_INTERNALS__?: Internals }).__TAURI_INTERNALS__;
}

export function inApp(): boolean {
  return internals() !== undefined;
}

export async function invoke<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  const i = internals();
  if (!i) throw new Error("not running inside the Vigie app");
  return (await i.invoke(cmd, args)) as T;
}

/** Listen to an app event; resolves to an unlisten function. */
export async function listen<T>(event: string, handler: (payload: T) => void): Promise<() => void> {
  const i = internals();
  if (!i) return () => {};
  const id = i.transformCallback((e) => handler((e as { payload: T }).payload));
  const eventId = await i.invoke("plugin:event|listen", { event, target: { kind: "Any" }, handler: id });
  return () => {
    void i.invoke("plugin:event|unlisten", { event, eventId });
  };
}

/** Error text from a rejected command (Tauri rejects with the command's `Err(String)`). */
export function errorText(e: unknown): string {
  if (typeof e === "string") return e;
  if (e instanceof Error) return e.message;
  return JSON.stringify(e);
}
